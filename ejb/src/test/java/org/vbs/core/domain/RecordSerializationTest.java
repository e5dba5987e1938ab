package org.vbs.core.domain;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.Serializable;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.vbs.core.api.SnapshotState;
import org.vbs.core.api.VolumeAttachment;
import org.vbs.core.api.VolumeState;
import org.vbs.core.store.OwnedIds;
import org.vbs.core.store.OwnerKey;
import org.vbs.core.store.TokenEntry;
import org.vbs.core.store.TokenKey;

/** Everything the caches hold must survive Java serialization (the server marshals with its semantics). */
class RecordSerializationTest {
    private static final Instant T = Instant.parse("2025-01-02T03:04:05.678Z");

    @Test
    void shouldRoundTripVolumesWithAndWithoutOptionalValues() throws Exception {
        VolumeRecord bare = VolumeRecord.creating("vol-0123456789abcdef0", "CN=Jane,O=Grid", "local", 1, Optional.empty(),
                Map.of(), Optional.empty(), T);
        VolumeRecord full = new VolumeRecord("vol-0123456789abcdef1", "CN=Jane,O=Grid", "local", 16_384,
                Optional.of("snap-0123456789abcdef0"), VolumeState.ERROR, Optional.of("the copy failed"), T,
                Map.of("name", "data", "team", "x"), Optional.of("token-1"), Optional.of(new Attachment("vm-42", "kvm7",
                        "sdb", VolumeAttachment.Status.ATTACHED, T, "iqn.2026-11.org.vbs:vol-0123456789abcdef1.0a1b2c3d",
                        "iqn.2026-11.org.vbs:initiator.kvm7", "vbs-0a1b2c3d4e5f", "c2VhbGVk")), 7);
        assertEquals(bare, roundTrip(bare));
        assertEquals(full, roundTrip(full));
    }

    @Test
    void shouldRoundTripSnapshotsWithAndWithoutAReason() throws Exception {
        VolumeRecord volume = VolumeRecord.creating("vol-0123456789abcdef0", "CN=Jane,O=Grid", "local", 8, Optional.empty(),
                Map.of(), Optional.empty(), T);
        SnapshotRecord pending = SnapshotRecord.pending("snap-0123456789abcdef0", "CN=Jane,O=Grid", volume, "", T);
        SnapshotRecord failed = pending.moveTo(SnapshotState.ERROR, Optional.of("disk full"), "test");
        assertEquals(pending, roundTrip(pending));
        assertEquals(failed, roundTrip(failed));
    }

    @Test
    void shouldRoundTripIndexAndTokenValues() throws Exception {
        OwnerKey key = new OwnerKey("CN=Jane,O=Grid", ResourceKind.VOLUME);
        OwnedIds ids = OwnedIds.of(List.of("vol-0123456789abcdef1", "vol-0123456789abcdef0"));
        TokenKey tokenKey = new TokenKey("CN=Jane,O=Grid", "token-1");
        TokenEntry tokenEntry = new TokenEntry("vol-0123456789abcdef0", "ab12");
        assertEquals(key, roundTrip(key));
        assertEquals(ids, roundTrip(ids));
        assertEquals(List.of("vol-0123456789abcdef0", "vol-0123456789abcdef1"), List.copyOf(roundTrip(ids).ids()));
        assertEquals(tokenKey, roundTrip(tokenKey));
        assertEquals(tokenEntry, roundTrip(tokenEntry));
    }

    @Test
    void shouldMarshalEqualVolumesToEqualBytesWhateverTheTagOrder() throws Exception {
        // The cache compares stored bytes in a compare-and-set: equal records must marshal alike.
        Map<String, String> ab = new LinkedHashMap<>();
        ab.put("a", "1");
        ab.put("b", "2");
        Map<String, String> ba = new LinkedHashMap<>();
        ba.put("b", "2");
        ba.put("a", "1");
        VolumeRecord one = VolumeRecord.creating("vol-0123456789abcdef0", "CN=Jane", "local", 1, Optional.empty(), ab,
                Optional.empty(), T);
        VolumeRecord two = VolumeRecord.creating("vol-0123456789abcdef0", "CN=Jane", "local", 1, Optional.empty(), ba,
                Optional.empty(), T);
        assertArrayEquals(serialize(one), serialize(two));
    }

    private static byte[] serialize(Object value) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(value);
        }
        return bytes.toByteArray();
    }

    @SuppressWarnings("unchecked")
    private static <T extends Serializable> T roundTrip(T value) throws IOException, ClassNotFoundException {
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(serialize(value)))) {
            return (T) in.readObject();
        }
    }
}
