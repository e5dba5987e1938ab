package org.vbs.core.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.vbs.core.api.ErrorCode;
import org.vbs.core.api.VbsException;
import org.vbs.core.api.VolumeState;
import org.vbs.core.domain.ResourceKind;
import org.vbs.core.domain.SnapshotRecord;
import org.vbs.core.domain.VolumeRecord;
import org.vbs.core.testing.EmbeddedMetadata;

class MetadataStoreTest {
    private static final String JANE = "CN=Jane,O=Grid";
    private static final Instant T = Instant.parse("2025-01-02T03:04:05Z");

    private final EmbeddedMetadata metadata = new EmbeddedMetadata();
    private final MetadataStore store = metadata.store();
    private final MetadataTransactions tx = metadata.transactions();

    @AfterEach
    void stop() {
        metadata.close();
    }

    private static VolumeRecord volume(String id, Optional<String> token) {
        return VolumeRecord.creating(id, JANE, "local", 1, Optional.empty(), Map.of("k", "v"), token, T);
    }

    @Test
    void shouldWriteTheVolumeItsIndexEntryAndItsTokenInOneStep() {
        VolumeRecord v = volume("vol-0000000000000000b", Optional.of("t1"));
        assertTrue(tx.run("insert", () -> store.insertVolume(v, Optional.of(new TokenEntry(v.id(), "fp")))));
        tx.run("insert other", () -> store.insertVolume(volume("vol-0000000000000000a", Optional.empty()),
                Optional.empty()));

        assertEquals(v, store.volume(v.id()).orElseThrow());
        assertEquals(List.of("vol-0000000000000000a", "vol-0000000000000000b"),
                List.copyOf(store.idsOf(JANE, ResourceKind.VOLUME)));
        assertEquals(new TokenEntry(v.id(), "fp"), store.token(new TokenKey(JANE, "t1")).orElseThrow());
        assertTrue(store.idsOf("CN=Other", ResourceKind.VOLUME).isEmpty());
    }

    @Test
    void shouldKeepEachKindApartInTheOneCache() {
        VolumeRecord v = volume("vol-0000000000000000b", Optional.of("t1"));
        SnapshotRecord s = SnapshotRecord.pending("snap-0000000000000000c", JANE, v, "", T);
        tx.run("insert", () -> store.insertVolume(v, Optional.of(new TokenEntry(v.id(), "fp"))));
        tx.run("snapshot", () -> store.insertSnapshot(s));

        assertEquals(Optional.empty(), store.volume(s.id()), "a snapshot's id names no volume");
        assertEquals(Optional.empty(), store.snapshot(v.id()), "a volume's id names no snapshot");
        assertEquals(Optional.empty(), store.operation(v.id()), "a volume's id names no operation");
        assertEquals(List.of(v), store.allVolumes());
        assertEquals(List.of(s), store.allSnapshots());
        assertEquals(List.of(v.id()), List.copyOf(store.allIds(ResourceKind.VOLUME)));
        assertEquals(List.of(s.id()), List.copyOf(store.allIds(ResourceKind.SNAPSHOT)));
        assertEquals(List.of(), store.allOperations());
        MetadataStore.Contents contents = store.contents();
        assertEquals(List.of(v), contents.volumes());
        assertEquals(List.of(s), contents.snapshots());
        assertEquals(List.of(), contents.operations());
        assertEquals(Map.of(new TokenKey(JANE, "t1"), new TokenEntry(v.id(), "fp")), contents.tokens());
        assertEquals(Map.of(new OwnerKey(JANE, ResourceKind.VOLUME), OwnedIds.of(List.of(v.id())),
                new OwnerKey(JANE, ResourceKind.SNAPSHOT), OwnedIds.of(List.of(s.id()))), contents.index());
    }

    @Test
    void shouldLeaveNothingWhenAStepRefusesAfterWriting() {
        VolumeRecord v = volume("vol-0000000000000000b", Optional.of("t1"));
        VbsException refusal = new VbsException(ErrorCode.INCORRECT_STATE, "refused after writing");
        VbsException thrown = assertThrows(VbsException.class, () -> tx.run("insert then refuse", () -> {
            store.insertVolume(v, Optional.of(new TokenEntry(v.id(), "fp")));
            throw refusal;
        }));
        assertSame(refusal, thrown);
        assertTrue(metadata.isEmpty());
    }

    @Test
    void shouldRefuseWritesOutsideAStep() {
        assertThrows(IllegalStateException.class,
                () -> store.insertVolume(volume("vol-0000000000000000b", Optional.empty()), Optional.empty()));
        assertTrue(metadata.isEmpty());
    }

    @Test
    void shouldNotClaimATakenIdAndWriteNothingForIt() {
        VolumeRecord first = volume("vol-0000000000000000b", Optional.empty());
        tx.run("insert", () -> store.insertVolume(first, Optional.empty()));
        VolumeRecord second = VolumeRecord.creating(first.id(), "CN=Other", "local", 5, Optional.empty(), Map.of(),
                Optional.of("t2"), T);

        assertFalse(tx.run("insert again", () -> store.insertVolume(second,
                Optional.of(new TokenEntry(second.id(), "fp")))));
        assertEquals(first, store.volume(first.id()).orElseThrow());
        assertTrue(store.idsOf("CN=Other", ResourceKind.VOLUME).isEmpty());
        assertTrue(metadata.tokens().isEmpty());
    }

    @Test
    void shouldRefuseAStaleCompareAndSet() {
        VolumeRecord v0 = volume("vol-0000000000000000b", Optional.empty());
        tx.run("insert", () -> store.insertVolume(v0, Optional.empty()));
        VolumeRecord v1 = v0.moveTo(VolumeState.AVAILABLE, Optional.empty(), "test");
        tx.run("move", () -> store.replaceVolume(v0, v1));

        VbsException e = assertThrows(VbsException.class, () -> tx.run("stale move",
                () -> store.replaceVolume(v0, v0.moveTo(VolumeState.ERROR, Optional.of("x"), "test"))));
        assertEquals(ErrorCode.INTERNAL_ERROR, e.code());
        assertTrue(e.getCause() instanceof ConcurrentUpdateException, String.valueOf(e.getCause()));
        assertEquals(v1, store.volume(v0.id()).orElseThrow());
    }

    @Test
    void shouldRunAStepAgainWhenAConcurrentCommitWonTheRace() {
        VolumeRecord v0 = volume("vol-0000000000000000b", Optional.empty());
        tx.run("insert", () -> store.insertVolume(v0, Optional.empty()));
        AtomicInteger attempts = new AtomicInteger();

        VolumeRecord result = tx.run("slow move", () -> {
            VolumeRecord current = store.volume(v0.id()).orElseThrow();
            if (attempts.incrementAndGet() == 1) {
                // Another request moves the volume and commits while this step is between read and write.
                CompletableFuture.runAsync(() -> tx.run("fast move", () -> {
                    VolumeRecord seen = store.volume(v0.id()).orElseThrow();
                    store.replaceVolume(seen, seen.moveTo(VolumeState.AVAILABLE, Optional.empty(), "test"));
                })).join();
            }
            VolumeRecord next = current.touched();
            store.replaceVolume(current, next);
            return next;
        });

        assertEquals(2, attempts.get(), "the first attempt's commit must fail and the step run again");
        VolumeRecord stored = store.volume(v0.id()).orElseThrow();
        assertEquals(result, stored);
        assertEquals(VolumeState.AVAILABLE, stored.state(), "the concurrent change is kept, not overwritten");
        assertEquals(2, stored.version());
    }

    @Test
    @SuppressWarnings({"unchecked", "rawtypes"})
    void theTestCachesMarshalEveryValueAsTheServerDoes() {
        // Guards the other tests: a value that cannot be serialized must fail here, not only in WildFly.
        org.infinispan.Cache raw = metadata.cache();
        Object notSerializable = new Object();
        RuntimeException failure = assertThrows(RuntimeException.class, () -> tx.run("put",
                () -> raw.put("vol-0000000000000000b", notSerializable)));
        assertTrue(causes(failure).contains("java.lang.Object"), causes(failure));
        assertTrue(metadata.isEmpty());
    }

    @Test
    void shouldRemoveTheVolumeItsIndexEntryAndItsTokenTogether() {
        VolumeRecord v = volume("vol-0000000000000000b", Optional.of("t1"));
        tx.run("insert", () -> store.insertVolume(v, Optional.of(new TokenEntry(v.id(), "fp"))));
        tx.run("remove", () -> store.removeVolume(v));
        assertTrue(metadata.isEmpty());
    }

    /** The messages of a throwable and its causes, one per line. */
    private static String causes(Throwable failure) {
        StringBuilder text = new StringBuilder();
        for (Throwable t = failure; t != null; t = t.getCause()) {
            text.append(t).append('\n');
        }
        return text.toString();
    }
}
