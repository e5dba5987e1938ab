package org.vbs.security;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;
import javax.security.auth.x500.X500Principal;

/**
 * Who is calling: the subject DN of the end-entity certificate that signed the request (for a
 * proxy chain, the DN of the user's own certificate, not of the proxy). Held in RFC 2253 form so
 * that two spellings of one DN compare equal.
 */
public record GridIdentity(String dn) implements java.io.Serializable {

    /**
     * Where a slash-form DN starts a new RDN (or a '+' a new attribute of a multi-valued RDN): only
     * before "type=", so that grid host names such as "CN=host/vbs.example.org" stay one value.
     */
    private static final String ATTRIBUTE_TYPE_AHEAD = "(?=(?:[A-Za-z][A-Za-z0-9-]*|[0-9]+(?:\\.[0-9]+)+)=)";
    private static final Pattern RDN_SEPARATOR = Pattern.compile("/" + ATTRIBUTE_TYPE_AHEAD);
    private static final Pattern AVA_SEPARATOR = Pattern.compile("\\+" + ATTRIBUTE_TYPE_AHEAD);

    public GridIdentity {
        Objects.requireNonNull(dn, "dn");
        if (dn.isBlank()) {
            throw new IllegalArgumentException("an identity needs a non-empty DN");
        }
        try {
            dn = new X500Principal(dn).getName(X500Principal.RFC2253);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("not a distinguished name: '" + dn + "'", e);
        }
    }

    public static GridIdentity of(X500Principal principal) {
        return new GridIdentity(principal.getName(X500Principal.RFC2253));
    }

    /**
     * Reads a DN written either as RFC 2253 ("CN=Jane,OU=vbs,O=Grid") or in the OpenSSL/Globus
     * slash form grid tools print ("/O=Grid/OU=vbs/CN=Jane"), which lists the RDNs in the
     * opposite order. Both spellings of one DN give equal identities.
     *
     * @throws IllegalArgumentException if the text is not a DN in either form
     */
    public static GridIdentity parse(String text) {
        Objects.requireNonNull(text, "text");
        String trimmed = text.strip();
        return new GridIdentity(trimmed.startsWith("/") ? slashFormToRfc2253(trimmed) : trimmed);
    }

    /** The DN as the JDK's principal type (e.g. to put it into a certificate). */
    public X500Principal principal() {
        return new X500Principal(dn);
    }

    private static String slashFormToRfc2253(String slashForm) {
        String body = slashForm.substring(1);
        if (body.isEmpty()) {
            throw new IllegalArgumentException("not a distinguished name: '" + slashForm + "'");
        }
        List<String> rdns = new ArrayList<>();
        for (String rdn : RDN_SEPARATOR.split(body, -1)) {
            List<String> avas = new ArrayList<>();
            for (String ava : AVA_SEPARATOR.split(rdn, -1)) {
                int equals = ava.indexOf('=');
                if (equals <= 0) {
                    throw new IllegalArgumentException("not a distinguished name: '" + slashForm
                            + "' ('" + ava + "' is not type=value)");
                }
                avas.add(ava.substring(0, equals) + "=" + escapeRfc2253Value(ava.substring(equals + 1)));
            }
            rdns.add(String.join("+", avas));
        }
        // Slash form lists the most significant RDN first; RFC 2253 lists it last.
        Collections.reverse(rdns);
        return String.join(",", rdns);
    }

    private static String escapeRfc2253Value(String value) {
        StringBuilder escaped = new StringBuilder(value.length() + 8);
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            boolean special = ",+\"\\<>;=".indexOf(c) >= 0
                    || (i == 0 && (c == '#' || c == ' '))
                    || (i == value.length() - 1 && c == ' ');
            if (special) {
                escaped.append('\\');
            }
            escaped.append(c);
        }
        return escaped.toString();
    }

    @Override
    public String toString() {
        return dn;
    }
}
