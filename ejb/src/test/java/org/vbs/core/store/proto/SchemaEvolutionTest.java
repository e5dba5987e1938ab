package org.vbs.core.store.proto;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.vbs.core.api.VolumeState;
import org.vbs.core.domain.VolumeRecord;

/**
 * A store written by an older version is read by this one, and the other way round (a rolling
 * upgrade, or a downgrade). The older version is {@link VolumeRecordV1}: the volume message before
 * field 9 (clientToken) existed.
 */
class SchemaEvolutionTest {
    private static final Instant T = Instant.parse("2025-01-02T03:04:05.123456789Z");

    private final Marshalling marshalling = new Marshalling(new SchemaV1Impl());

    @Test
    void shouldReadAnOlderRecordWithTheNewFieldAtItsDefault() throws Exception {
        // given the bytes an older version wrote: no field 9 at all
        VolumeRecordV1 old = new VolumeRecordV1("vol-0123456789abcdef0", "CN=Jane", 4, "snap-0123456789abcdef0",
                VolumeState.AVAILABLE, null, Timestamp.of(T), Tag.listOf(Map.of("name", "data")), 3);
        byte[] stored = marshalling.write(old);

        // when this version reads them
        VolumeRecord read = marshalling.read(stored, VolumeRecord.class);

        // then every known field is there and the new one is at its default (absent)
        assertEquals(new VolumeRecord("vol-0123456789abcdef0", "CN=Jane", "local", 4, Optional.of("snap-0123456789abcdef0"),
                VolumeState.AVAILABLE, Optional.empty(), T, Map.of("name", "data"), Optional.empty(), Optional.empty(), 3), read);
    }

    @Test
    void shouldLetAnOlderReaderSkipTheFieldItDoesNotKnow() throws Exception {
        // given the bytes this version writes, with field 9 set
        VolumeRecord current = new VolumeRecord("vol-0123456789abcdef1", "CN=Jane", "local", 8, Optional.empty(),
                VolumeState.ERROR, Optional.of("copy failed"), T, Map.of("b", "2", "a", "1"),
                Optional.of("token-1"), Optional.empty(), 5);
        byte[] stored = marshalling.write(current);

        // when an older version reads them
        VolumeRecordV1 read = marshalling.read(stored, VolumeRecordV1.class);

        // then it skips field 9 and reads everything else
        assertEquals(new VolumeRecordV1("vol-0123456789abcdef1", "CN=Jane", 8, null, VolumeState.ERROR,
                "copy failed", Timestamp.of(T), List.of(new Tag("a", "1"), new Tag("b", "2")), 5), read);
    }
}
