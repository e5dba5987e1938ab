package org.vbs.ws;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.jboss.logging.Logger;
import org.vbs.security.GridIdentity;

/**
 * The audit log: one line per call, allowed or refused, to the logger {@value #CATEGORY} (the
 * server writes it to {@code audit.log} in its log directory). A line is space-separated
 * {@code key=value} fields, always in this order:
 *
 * <pre>
 * time=2026-12-01T05:40:00.123Z request=3f0c... dn="CN=Jane Doe,OU=vbs,O=Grid" fqans=- proxy=no
 *     op=CreateVolume resource=vol-0123456789abcdef0 outcome=allowed reason=- via=-
 * </pre>
 *
 * <ul>
 * <li>{@code time}: ISO-8601 UTC; {@code request}: the RequestID the caller got (or {@code -} when
 * the call was refused before it had one, e.g. by WS-Security);</li>
 * <li>{@code dn}: the caller (RFC 2253; the end entity of a proxy chain) or {@code -}; {@code fqans}:
 * the caller's VOMS FQANs as validated against the vomsdir, comma-separated, in VOMS's full form,
 * the primary one first (quoted, as they hold {@code =}):
 * {@code fqans="/myvo/Role=NULL/Capability=NULL,/myvo/Role=storage-admin/Capability=NULL"}, or
 * {@code -} (no VOMS attributes, or attributes refused: the reason then says why); {@code proxy}:
 * {@code no}, {@code yes} or {@code limited};</li>
 * <li>{@code op}: the SOAP operation; {@code resource}: the id the call named or made, or {@code -};</li>
 * <li>{@code outcome}: {@code allowed} (served), {@code refused} (the caller's request or rights:
 * a fault with a client code, or a WS-Security refusal) or {@code failed} (the service's fault);
 * {@code reason}: why it was refused or failed (the fault code and, for the operator, the check that
 * refused), or {@code -};</li>
 * <li>{@code via}: the service the call came through (federation: the DN of the TLS client certificate,
 * validated against the grid CA directory, of a service acting for the caller with the caller's
 * delegated proxy), or {@code -} when the caller connected itself (no TLS client certificate, or its own).</li>
 * </ul>
 * Values with spaces, quotes or backslashes are double-quoted with {@code \"} and {@code \\}
 * escapes; control characters become {@code \\uXXXX}, so a line is always one line; a value longer
 * than 256 characters is cut and ends in {@code ...}.
 */
final class AuditLog {
    static final String CATEGORY = "org.vbs.audit";
    private static final Logger LOG = Logger.getLogger(CATEGORY);
    /** Longer values (caller-supplied ids can be anything) are cut, so one call cannot flood the log. */
    private static final int MAX_VALUE = 256;

    enum Outcome {
        ALLOWED, REFUSED, FAILED
    }

    /** What one line says. */
    record Entry(Instant time, Optional<String> requestId, Optional<GridIdentity> caller, List<String> fqans,
            String proxy, String operation, Optional<String> resource, Outcome outcome, Optional<String> reason,
            Optional<GridIdentity> via) {
    }

    private AuditLog() {
    }

    /** The id a call made (a new volume or snapshot), if its answer names one. */
    static Optional<String> madeBy(Object answer) {
        if (answer instanceof org.vbs.ws.generated.CreateVolumeResponseType created) {
            return Optional.ofNullable(created.getVolumeId());
        }
        if (answer instanceof org.vbs.ws.generated.CreateSnapshotResponseType created) {
            return Optional.ofNullable(created.getSnapshotId());
        }
        return Optional.empty();
    }

    static void write(Entry entry) {
        LOG.info(line(entry));
    }

    static String line(Entry entry) {
        return "time=" + entry.time()
                + " request=" + value(entry.requestId())
                + " dn=" + value(entry.caller().map(GridIdentity::dn))
                + " fqans=" + value(entry.fqans().isEmpty() ? Optional.empty() : Optional.of(String.join(",", entry.fqans())))
                + " proxy=" + entry.proxy()
                + " op=" + value(Optional.of(entry.operation()))
                + " resource=" + value(entry.resource())
                + " outcome=" + entry.outcome().name().toLowerCase(java.util.Locale.ROOT)
                + " reason=" + value(entry.reason())
                + " via=" + value(entry.via().map(GridIdentity::dn));
    }

    private static String value(Optional<String> value) {
        if (value.isEmpty() || value.get().isEmpty()) {
            return "-";
        }
        String text = value.get().length() > MAX_VALUE ? value.get().substring(0, MAX_VALUE) + "..." : value.get();
        boolean plain = text.chars().allMatch(c -> c > 0x20 && c < 0x7f && c != '"' && c != '\\' && c != '=');
        if (plain) {
            return text;
        }
        StringBuilder quoted = new StringBuilder("\"");
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '"' || c == '\\') {
                quoted.append('\\').append(c);
            } else if (c < 0x20 || c == 0x7f) {
                quoted.append(String.format("\\u%04x", (int) c));
            } else {
                quoted.append(c);
            }
        }
        return quoted.append('"').toString();
    }
}
