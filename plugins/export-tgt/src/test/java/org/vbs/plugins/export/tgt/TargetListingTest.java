package org.vbs.plugins.export.tgt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;

/**
 * The listing parser on output captured from the real tool: {@code tgtadm --lld iscsi --mode target
 * --op show} of tgt 1.0.85 (Debian 12) holding a VBS target with a live session, mutual CHAP and a
 * name-and-address ACL, a second VBS target, and a foreign target with neither LUN nor account.
 */
class TargetListingTest {

    @Test
    void shouldReadTargetsLunsAccountsAclsAndSessionsFromCapturedOutput() throws IOException {
        TargetListing listing = TargetListing.parse(resource("target-show-1.0.85.txt"));

        assertEquals(List.of(1, 3, 7), listing.targets().stream().map(TgtTarget::tid).toList());
        TgtTarget first = listing.byIqn("iqn.2026-11.org.vbs:vol-0123456789abcdef0.att1").orElseThrow();
        assertEquals(1, first.tid());
        assertEquals(List.of(0, 1), first.luns().stream().map(TgtTarget.Lun::number).toList());
        assertEquals(new TgtTarget.Lun(1, "vol-0123456789abcdef0", Optional.of("/tmp/tgtx/vol1.img")),
                first.lun(1).orElseThrow());
        assertEquals(new TgtTarget.Lun(0, "beaf10", Optional.empty()), first.lun(0).orElseThrow());
        assertEquals(List.of("u1"), first.incomingUsers());
        assertEquals(List.of("u1out"), first.outgoingUsers());
        assertEquals(List.of("u1", "u1out"), first.users());
        assertEquals(List.of("127.0.0.1", "iqn.2026-11.org.vbs.test:init1"), first.acl());
        assertEquals(List.of(new TgtTarget.Session(8, List.of(0))), first.sessions());

        TgtTarget second = listing.byIqn("iqn.2026-11.org.vbs:vol-00000000000000001.att2").orElseThrow();
        assertEquals(List.of(), second.sessions());
        assertEquals(List.of("u2"), second.incomingUsers());
        assertEquals(List.of(), second.outgoingUsers());
        assertEquals("/tmp/tgtx/vol2.img", second.lun(1).orElseThrow().backingPath().orElseThrow());

        TgtTarget foreign = listing.byIqn("iqn.2020-01.com.example:foreign").orElseThrow();
        assertEquals(Optional.empty(), foreign.lun(1));
        assertEquals(List.of(), foreign.users());
        assertEquals(List.of(), foreign.acl());
    }

    @Test
    void shouldFindFreeTidsAndSharedAccounts() throws IOException {
        TargetListing listing = TargetListing.parse(resource("target-show-1.0.85.txt"));

        assertEquals(List.of(2, 4, 5, 6, 8), listing.freeTids(5));
        assertTrue(listing.boundElsewhere("u2", 1));
        assertFalse(listing.boundElsewhere("u2", 3));
        assertFalse(listing.boundElsewhere("nobody", 1));
    }

    @Test
    void shouldReadAnEmptyListingAndRefuseAnUnreadableTargetLine() {
        assertEquals(List.of(), TargetListing.parse("").targets());
        assertEquals(List.of(1), TargetListing.parse("").freeTids(1));

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> TargetListing.parse("Target one: iqn.2026-11.org.vbs:x\n"));
        assertTrue(e.getMessage().contains("Target one"), e.getMessage());
    }

    private static String resource(String name) throws IOException {
        try (InputStream in = TargetListingTest.class.getResourceAsStream(name)) {
            assertTrue(in != null, name);
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
