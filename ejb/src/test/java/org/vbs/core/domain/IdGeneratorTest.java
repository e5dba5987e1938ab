package org.vbs.core.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.vbs.core.api.ErrorCode;
import org.vbs.core.api.VbsException;

class IdGeneratorTest {
    private final IdGenerator ids = IdGenerator.secureRandom();

    @Test
    void shouldMakeVolumeAndSnapshotIdsOfSeventeenLowercaseHexDigits() {
        for (int i = 0; i < 1000; i++) {
            String volume = ids.next(ResourceKind.VOLUME);
            String snapshot = ids.next(ResourceKind.SNAPSHOT);
            assertTrue(volume.matches("vol-[0-9a-f]{17}"), volume);
            assertTrue(snapshot.matches("snap-[0-9a-f]{17}"), snapshot);
            assertTrue(ResourceKind.VOLUME.isWellFormed(volume));
            assertTrue(ResourceKind.SNAPSHOT.isWellFormed(snapshot));
        }
    }

    @Test
    void shouldNotRepeatIdsAndUseEveryDigitPosition() {
        Set<String> seen = new HashSet<>();
        Set<Character> firstDigits = new HashSet<>();
        for (int i = 0; i < 20_000; i++) {
            String id = ids.next(ResourceKind.VOLUME);
            assertTrue(seen.add(id), "repeated " + id);
            firstDigits.add(id.charAt(4));
        }
        // The leading digit is random too (not a fixed nibble of a zero-padded number).
        assertEquals(16, firstDigits.size());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "vol-", "vol-0123456789abcdef", "vol-0123456789abcdef01", "vol-0123456789ABCDEF0",
        "VOL-0123456789abcdef0", "snap-0123456789abcdef0", " vol-0123456789abcdef0", "vol-0123456789abcdef0\n",
        "vol-0123456789abcdefg"})
    void shouldRefuseMalformedVolumeIds(String id) {
        assertFalse(ResourceKind.VOLUME.isWellFormed(id));
        VbsException e = assertThrows(VbsException.class, () -> ResourceKind.VOLUME.requireWellFormed(id));
        assertEquals(ErrorCode.INVALID_VOLUME_ID_MALFORMED, e.code());
        assertEquals("InvalidVolumeID.Malformed", e.code().code());
        assertFalse(e.getMessage().contains("\n"), "control characters are not echoed");
    }

    @Test
    void shouldRefuseMalformedSnapshotIdsWithTheSnapshotCode() {
        VbsException e = assertThrows(VbsException.class,
                () -> ResourceKind.SNAPSHOT.requireWellFormed("vol-0123456789abcdef0"));
        assertEquals(ErrorCode.INVALID_SNAPSHOT_ID_MALFORMED, e.code());
        assertTrue(e.getMessage().contains("'vol-0123456789abcdef0'"), e.getMessage());
        assertThrows(VbsException.class, () -> ResourceKind.SNAPSHOT.requireWellFormed(null));
    }

    @Test
    void shouldCutLongValuesInMessages() {
        String hostile = "x".repeat(10_000);
        VbsException e = assertThrows(VbsException.class, () -> ResourceKind.VOLUME.requireWellFormed(hostile));
        assertTrue(e.getMessage().length() < 300, e.getMessage());
    }
}
