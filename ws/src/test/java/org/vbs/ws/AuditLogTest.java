package org.vbs.ws;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.vbs.security.GridIdentity;

/** The audit line's documented format: fields, order, quoting, one line whatever the caller sent. */
class AuditLogTest {
    private static final Instant AT = Instant.parse("2026-12-01T05:40:00.123Z");

    @Test
    void shouldWriteTheFieldsInTheDocumentedOrderWithDnsQuoted() {
        String line = AuditLog.line(new AuditLog.Entry(AT, Optional.of("3f0c"),
                Optional.of(GridIdentity.parse("/O=Grid/OU=vbs/CN=Jane Doe")), List.of(), "no", "CreateVolume",
                Optional.of("vol-0123456789abcdef0"), AuditLog.Outcome.ALLOWED, Optional.empty(),
                Optional.empty()));

        assertEquals("time=2026-12-01T05:40:00.123Z request=3f0c dn=\"CN=Jane Doe,OU=vbs,O=Grid\" fqans=- proxy=no"
                + " op=CreateVolume resource=vol-0123456789abcdef0 outcome=allowed reason=- via=-", line);
    }

    @Test
    void shouldNameTheServiceACallCameThroughLast() {
        String line = AuditLog.line(new AuditLog.Entry(AT, Optional.of("3f0c"),
                Optional.of(GridIdentity.parse("/O=Grid/OU=vbs/CN=Jane Doe")), List.of(), "yes", "CreateVolume",
                Optional.of("vol-0123456789abcdef0"), AuditLog.Outcome.ALLOWED, Optional.empty(),
                Optional.of(GridIdentity.parse("/O=Grid/OU=vbs/CN=host/nimbus.example.org"))));

        assertTrue(line.endsWith(" proxy=yes op=CreateVolume resource=vol-0123456789abcdef0 outcome=allowed reason=-"
                + " via=\"CN=host/nimbus.example.org,OU=vbs,O=Grid\""), line);
    }

    @Test
    void shouldKeepAHostileResourceOnOneLineAndCutItShort() {
        String line = AuditLog.line(new AuditLog.Entry(AT, Optional.empty(), Optional.empty(), List.of("/vo/Role=x"),
                "-", "DeleteVolume", Optional.of("vol-1\n2026 fake=\"line\"" + "x".repeat(400)),
                AuditLog.Outcome.REFUSED, Optional.of("InvalidVolumeID.Malformed: bad"), Optional.empty()));

        assertEquals(1, line.lines().count());
        assertTrue(line.contains("resource=\"vol-1\\u000a2026 fake=\\\"line\\\"xxx"), line);
        assertTrue(line.contains("...\" outcome=refused reason=\"InvalidVolumeID.Malformed: bad\""), line);
        assertTrue(line.startsWith("time=2026-12-01T05:40:00.123Z request=- dn=- fqans=\"/vo/Role=x\" proxy=-"), line);
        assertFalse(line.contains("x".repeat(300)), "a long value is cut");
    }
}
