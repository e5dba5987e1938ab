package org.vbs.core.store.proto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.vbs.core.api.SnapshotState;
import org.vbs.core.api.VolumeState;
import org.vbs.core.domain.ResourceKind;
import org.vbs.core.domain.SnapshotRecord;
import org.vbs.core.api.VolumeAttachment;
import org.vbs.core.domain.Attachment;
import org.vbs.core.domain.VolumeRecord;
import org.vbs.core.host.RegisteredHost;
import org.vbs.core.ops.OperationKind;
import org.vbs.core.ops.OperationRecord;
import org.vbs.core.store.OwnedIds;
import org.vbs.core.store.OwnerKey;
import org.vbs.core.store.TokenEntry;
import org.vbs.core.store.TokenKey;

/** Every key and value the metadata caches hold reads back equal through the ProtoStream schema. */
class MetadataSchemaRoundTripTest {
    /** Nanosecond precision: the store's compare-and-set needs exactly equal times. */
    private static final Instant T = Instant.parse("2025-01-02T03:04:05.123456789Z");
    private static final String OWNER = "CN=Jane,O=Grid";

    private final Marshalling marshalling = new Marshalling();

    @Test
    void shouldRoundTripVolumesWithAndWithoutOptionalValues() throws Exception {
        VolumeRecord bare = VolumeRecord.creating("vol-0123456789abcdef0", OWNER, "local", 1, Optional.empty(), Map.of(),
                Optional.empty(), T);
        VolumeRecord full = new VolumeRecord("vol-0123456789abcdef1", OWNER, "local", 16_384,
                Optional.of("snap-0123456789abcdef0"), VolumeState.ERROR, Optional.of("the copy failed"), T,
                Map.of("name", "data", "team", "x", "", "empty key", "empty value", ""), Optional.of("token-1"), Optional.empty(),
                Long.MAX_VALUE);
        assertEquals(bare, marshalling.roundTrip(bare));
        assertEquals(full, marshalling.roundTrip(full));
        assertEquals(Optional.empty(), marshalling.roundTrip(bare).clientToken());
    }

    @Test
    void shouldRoundTripAnAttachedVolumeWithItsSealedSecretAndEveryAttachmentStatus() throws Exception {
        for (VolumeAttachment.Status status : VolumeAttachment.Status.values()) {
            Attachment attachment = new Attachment("vm-42", "kvm7", "sdb", status, T,
                    "iqn.2026-11.org.vbs:vol-0123456789abcdef0.0a1b2c3d", "iqn.2026-11.org.vbs:initiator.kvm7",
                    "vbs-0a1b2c3d4e5f", "c2VhbGVkIHNlY3JldA==");
            VolumeRecord volume = new VolumeRecord("vol-0123456789abcdef0", OWNER, "vs1", 2, Optional.empty(),
                    VolumeState.IN_USE, Optional.empty(), T, Map.of(), Optional.empty(), Optional.of(attachment), 4);
            assertEquals(volume, marshalling.roundTrip(volume), status.name());
        }
    }

    @Test
    void shouldRoundTripJournalRecordsOfEveryKindAndPhase() throws Exception {
        for (OperationKind kind : OperationKind.values()) {
            OperationRecord started = OperationRecord.started("op-0123456789abcdef0", kind, "vol-0123456789abcdef0",
                    OWNER, "node-1", T, Map.of("force", "true"));
            OperationRecord rollingBack = started.stepDone(2, T, Map.of("portal", "10.0.0.7:3260", "lun", "1"))
                    .rollingBack("AttachVolume failed at step 'attach-device'", T.plusSeconds(60));
            assertEquals(started, marshalling.roundTrip(started), kind.name());
            assertEquals(rollingBack, marshalling.roundTrip(rollingBack), kind.name());
        }
    }

    @Test
    void shouldRoundTripEveryVolumeState() throws Exception {
        for (VolumeState state : VolumeState.values()) {
            VolumeRecord volume = new VolumeRecord("vol-0123456789abcdef0", OWNER, "local", 2, Optional.empty(), state,
                    Optional.empty(), T, Map.of(), Optional.empty(), Optional.empty(), 3);
            assertEquals(volume, marshalling.roundTrip(volume), state.name());
        }
    }

    @Test
    void shouldRoundTripSnapshotsInEveryStateWithAndWithoutAReason() throws Exception {
        VolumeRecord volume = VolumeRecord.creating("vol-0123456789abcdef0", OWNER, "local", 8, Optional.empty(), Map.of(),
                Optional.empty(), T);
        SnapshotRecord pending = SnapshotRecord.pending("snap-0123456789abcdef0", OWNER, volume, "", T)
                .withProgress(42);
        SnapshotRecord completed = pending.moveTo(SnapshotState.COMPLETED, Optional.empty(), "test");
        SnapshotRecord failed = new SnapshotRecord("snap-0123456789abcdef1", OWNER, "local", volume.id(), 8,
                "nightly backup", SnapshotState.ERROR, 7, Optional.of("disk full"), T, 9);
        for (SnapshotRecord snapshot : List.of(pending, completed, failed)) {
            assertEquals(snapshot, marshalling.roundTrip(snapshot), snapshot.state().name());
        }
    }

    @Test
    void shouldRoundTripIndexKeysOfBothKindsAndKeepTheirStableHash() throws Exception {
        for (ResourceKind kind : ResourceKind.values()) {
            OwnerKey key = new OwnerKey(OWNER, kind);
            OwnerKey read = marshalling.roundTrip(key);
            assertEquals(key, read);
            assertEquals(java.util.Objects.hash(OWNER, kind.name()), read.hashCode());
        }
    }

    @Test
    void shouldRoundTripIdSetsInOrderAndTheEmptySet() throws Exception {
        OwnedIds ids = OwnedIds.of(List.of("vol-0123456789abcdef1", "vol-0123456789abcdef0"));
        assertEquals(ids, marshalling.roundTrip(ids));
        assertEquals(List.of("vol-0123456789abcdef0", "vol-0123456789abcdef1"),
                List.copyOf(marshalling.roundTrip(ids).ids()));
        OwnedIds none = marshalling.roundTrip(OwnedIds.NONE);
        assertEquals(OwnedIds.NONE, none);
        assertTrue(none.ids().isEmpty());
    }

    @Test
    void shouldRoundTripTokenKeysAndEntries() throws Exception {
        TokenKey key = new TokenKey(OWNER, "token-1");
        TokenEntry entry = new TokenEntry("vol-0123456789abcdef0", "ab12");
        assertEquals(key, marshalling.roundTrip(key));
        assertEquals(entry, marshalling.roundTrip(entry));
    }

    @Test
    void shouldRoundTripRegisteredHostsWithAndWithoutKeys() throws Exception {
        RegisteredHost bare = new RegisteredHost("vs2", Map.of());
        RegisteredHost full = new RegisteredHost("kvm7", Map.of("transport", "ssh", "address", "10.0.0.7",
                "ssh.user", "vbs", "hypervisor.driver", "qemu", "hypervisor.qmpSocketDir", "/run/vbs qmp=x", "", ""));
        assertEquals(bare, marshalling.roundTrip(bare));
        assertEquals(full, marshalling.roundTrip(full));
    }

    @Test
    void shouldRoundTripTimesAtTheEdges() throws Exception {
        for (Instant time : List.of(Instant.EPOCH, Instant.ofEpochSecond(-1, 999_999_999), T, Instant.MAX)) {
            assertEquals(time, marshalling.roundTrip(Timestamp.of(time)).toInstant(), time.toString());
        }
    }

    @Test
    void shouldMarshalEqualVolumesToEqualBytesWhateverTheTagOrder() throws Exception {
        // A cache with protostream encoding compares stored bytes in a compare-and-set: equal records must
        // marshal alike.
        Map<String, String> ab = new LinkedHashMap<>();
        ab.put("a", "1");
        ab.put("b", "2");
        Map<String, String> ba = new LinkedHashMap<>();
        ba.put("b", "2");
        ba.put("a", "1");
        VolumeRecord one = VolumeRecord.creating("vol-0123456789abcdef0", OWNER, "local", 1, Optional.empty(), ab,
                Optional.empty(), T);
        VolumeRecord two = VolumeRecord.creating("vol-0123456789abcdef0", OWNER, "local", 1, Optional.empty(), ba,
                Optional.empty(), T);
        assertArrayEquals(marshalling.write(one), marshalling.write(two));
    }
}
