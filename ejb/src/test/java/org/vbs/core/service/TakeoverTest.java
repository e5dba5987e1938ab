package org.vbs.core.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.vbs.core.testing.ServiceFixture.JANE;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vbs.core.api.DescribeRequest;
import org.vbs.core.api.Snapshot;
import org.vbs.core.api.SnapshotState;
import org.vbs.core.api.Volume;
import org.vbs.core.api.VolumeAttachment;
import org.vbs.core.api.VolumeState;
import org.vbs.core.domain.ResourceKind;
import org.vbs.core.domain.SnapshotRecord;
import org.vbs.core.domain.VolumeRecord;
import org.vbs.core.ops.OperationKind;
import org.vbs.core.ops.OperationRecord;
import org.vbs.core.ops.StepRunner;
import org.vbs.core.store.OwnedIds;
import org.vbs.core.store.OwnerKey;
import org.vbs.core.store.TokenEntry;
import org.vbs.core.store.TokenKey;
import org.vbs.core.testing.QueuedExecutor;
import org.vbs.core.testing.ServiceFixture;
import org.vbs.core.testing.SettableClock;
import org.vbs.core.testing.TempDirVolumeDriver.Operation;

/**
 * A running node takes over the operations whose lease expired (their node died, was cut off, or froze),
 * without waiting for a restart; and a node whose operation was taken over does nothing more to it
 * (fenced by the record's epoch), even when it is the same node that took it back.
 */
class TakeoverTest {
    private static final Duration LEASE = Timeouts.DEFAULT.lease();

    @TempDir
    Path dir;
    private final SettableClock clock = new SettableClock(ServiceFixture.CLOCK.instant());
    private ServiceFixture fixture;
    private final CountDownLatch release = new CountDownLatch(1);

    @AfterEach
    void stop() {
        release.countDown();
        if (fixture != null) {
            fixture.close();
        }
    }

    private OperationRecord onlyOperation() {
        assertEquals(1, fixture.metadata.operations().size(), fixture.metadata.operations().toString());
        return fixture.metadata.operations().values().iterator().next();
    }

    private void takeOverAs(String node, Instant leaseExpiry) {
        fixture.metadata.transactions().run("node " + node + " takes it over", () -> {
            OperationRecord current = onlyOperation();
            fixture.metadata.store().replaceOperation(current, current.takenOverBy(node, leaseExpiry));
        });
    }

    @Test
    void shouldTakeOverAnotherNodesOperationOnceItsLeaseExpiresWithoutARestart() {
        fixture = new ServiceFixture(dir, clock);
        Volume volume = fixture.service.createVolume(JANE, CreateVolumeTest.size(1));
        fixture.metadata.transactions().run("node-2 begins deleting, then dies", () -> {
            VolumeRecord current = fixture.metadata.store().volume(volume.id()).orElseThrow();
            fixture.metadata.store().replaceVolume(current,
                    current.moveTo(VolumeState.DELETING, Optional.empty(), "DeleteVolume"));
            fixture.metadata.store().insertOperation(OperationRecord.started("op-0123456789abcdef0",
                    OperationKind.DELETE_VOLUME, volume.id(), JANE.caller().dn(), "node-2", clock.instant().plus(LEASE),
                    Map.of()));
        });
        QueuedExecutor scans = new QueuedExecutor();

        // While node-2's lease lasts, a scan leaves its operation alone.
        clock.advance(LEASE.minusSeconds(1));
        fixture.assembly.takeOver(scans);
        assertEquals(0, scans.pending());
        assertEquals("node-2", onlyOperation().node());

        // Once it has expired, the next scan takes it over and finishes it.
        clock.advance(Duration.ofSeconds(1));
        fixture.assembly.takeOver(scans);
        assertEquals(1, scans.pending());
        scans.runAll();

        assertTrue(fixture.metadata.store().volume(volume.id()).isEmpty());
        assertFalse(Files.exists(fixture.driver.volumeFile(volume.id())));
        assertTrue(fixture.metadata.operations().isEmpty());
    }

    @Test
    void shouldFinishVolumesLeftInATransitionalStateWithNoJournalRecordOnceALeaseHasPassed() {
        fixture = new ServiceFixture(dir, clock);
        Volume doomed = fixture.service.createVolume(JANE, CreateVolumeTest.size(1));
        String host = fixture.metadata.store().volume(doomed.id()).orElseThrow().host();
        VolumeRecord creating = VolumeRecord.creating("vol-0123456789abcdef2", JANE.caller().dn(), host, 1,
                Optional.empty(), Map.of(), Optional.empty(), clock.instant());
        // A node died between the commits of its transactions' branches: the volumes' states are there,
        // their journal records are not.
        fixture.metadata.transactions().run("a claim and a delete whose records were lost", () -> {
            fixture.metadata.store().insertVolume(creating, Optional.empty());
            VolumeRecord current = fixture.metadata.store().volume(doomed.id()).orElseThrow();
            fixture.metadata.store().replaceVolume(current,
                    current.moveTo(VolumeState.DELETING, Optional.empty(), "DeleteVolume"));
        });
        QueuedExecutor scans = new QueuedExecutor();

        // Within a lease of first seeing them so, scans leave them alone (a record may be on its way).
        fixture.assembly.takeOver(scans);
        clock.advance(LEASE.minusSeconds(1));
        fixture.assembly.takeOver(scans);
        assertEquals(0, scans.pending());
        assertTrue(fixture.metadata.operations().isEmpty());

        // A lease after, a scan journals them again for this node and finishes them: the create is made, the
        // delete done.
        clock.advance(Duration.ofSeconds(1));
        fixture.assembly.takeOver(scans);
        assertEquals(2, scans.pending());
        scans.runAll();

        assertEquals(VolumeState.AVAILABLE, fixture.metadata.store().volume(creating.id()).orElseThrow().state());
        assertTrue(Files.exists(fixture.driver.volumeFile(creating.id())));
        assertTrue(fixture.metadata.store().volume(doomed.id()).isEmpty());
        assertFalse(Files.exists(fixture.driver.volumeFile(doomed.id())));
        assertTrue(fixture.metadata.operations().isEmpty(), fixture.metadata.operations().toString());
    }

    @Test
    void shouldBringTheOwnerIndexAndClientTokensBackInLineOnceALeaseHasPassed() {
        fixture = new ServiceFixture(dir, clock);
        String jane = JANE.caller().dn();
        Volume volume = fixture.service.createVolume(JANE, CreateVolumeTest.withToken(1, "kept", Map.of()));
        Snapshot snapshot = fixture.service.createSnapshot(JANE, volume.id(), "");
        fixture.executor.runAll();
        Volume listed = fixture.service.createVolume(JANE, CreateVolumeTest.size(1));
        // A node died between the commits of its transactions' branches: a claim's volume and a snapshot's
        // index branches were lost, a removal's index branch and a claim's volume branch were not.
        OwnerKey volumes = new OwnerKey(jane, ResourceKind.VOLUME);
        fixture.metadata.cache().put(volumes, OwnedIds.of(List.of(listed.id(), "vol-0123456789abcdef3")));
        fixture.metadata.cache().remove(new OwnerKey(jane, ResourceKind.SNAPSHOT));
        TokenKey lost = new TokenKey(jane, "lost");
        fixture.metadata.cache().put(lost, new TokenEntry("vol-0123456789abcdef4", "fingerprint"));
        QueuedExecutor scans = new QueuedExecutor();

        // Within a lease of first seeing them so, scans leave them alone (a branch may be on its way).
        fixture.assembly.takeOver(scans);
        clock.advance(LEASE.minusSeconds(1));
        fixture.assembly.takeOver(scans);
        assertEquals(List.of(listed.id()), ids(fixture.service.describeVolumes(JANE, DescribeRequest.all()).items()));
        assertEquals(List.of(), fixture.service.describeSnapshots(JANE, DescribeRequest.all()).items());
        assertTrue(fixture.metadata.store().token(lost).isPresent());

        // A lease after, a scan indexes the volume and the snapshot again, and drops the id and the token
        // that name nothing; the token of a volume that is there stays.
        clock.advance(Duration.ofSeconds(1));
        fixture.assembly.takeOver(scans);
        assertEquals(0, scans.pending());
        assertEquals(new TreeSet<>(List.of(volume.id(), listed.id())),
                fixture.metadata.store().idsOf(jane, ResourceKind.VOLUME));
        assertEquals(List.of(snapshot.id()), fixture.service.describeSnapshots(JANE, DescribeRequest.all()).items()
                .stream().map(Snapshot::id).toList());
        assertTrue(fixture.metadata.store().token(lost).isEmpty());
        assertEquals(volume.id(), fixture.metadata.store().token(new TokenKey(jane, "kept")).orElseThrow().volumeId());
    }

    private static List<String> ids(List<Volume> volumes) {
        return volumes.stream().map(Volume::id).toList();
    }

    @Test
    void shouldEndAttachesDetachesAndSnapshotsLeftWithNoJournalRecordOnceALeaseHasPassed() {
        fixture = new ServiceFixture(dir, clock);
        Volume attached = fixture.service.createVolume(JANE, CreateVolumeTest.size(1));
        Volume detaching = fixture.service.createVolume(JANE, CreateVolumeTest.size(1));
        Snapshot copied = fixture.service.createSnapshot(JANE, attached.id(), "");
        Snapshot deleted = fixture.service.createSnapshot(JANE, attached.id(), "");
        fixture.executor.runAll();
        fixture.service.attachVolume(JANE, attached.id(), ServiceFixture.HYPERVISOR_HOST, "vm-1", "sdb");
        fixture.service.attachVolume(JANE, detaching.id(), ServiceFixture.HYPERVISOR_HOST, "vm-1", "sdc");
        // A node died between the commits of its transactions' branches. The last step of an attach and of a
        // snapshot's copy: their records' removal committed, the resources' new states did not, though every
        // step had run. The first step of a detach and of a snapshot's delete: the states committed, the
        // records did not, though no step had run.
        fixture.metadata.transactions().run("records lost", () -> {
            VolumeRecord inUse = fixture.metadata.store().volume(attached.id()).orElseThrow();
            fixture.metadata.store().replaceVolume(inUse, new VolumeRecord(inUse.id(), inUse.owner(), inUse.host(),
                    inUse.sizeGiB(), inUse.snapshotId(), VolumeState.ATTACHING, Optional.empty(), inUse.createTime(),
                    inUse.tags(), inUse.clientToken(), inUse.attachment().map(a -> a.withStatus(
                            VolumeAttachment.Status.ATTACHING)), inUse.version() + 1));
            VolumeRecord other = fixture.metadata.store().volume(detaching.id()).orElseThrow();
            fixture.metadata.store().replaceVolume(other, other.moveWithAttachment(VolumeState.DETACHING,
                    other.attachment().map(a -> a.withStatus(VolumeAttachment.Status.DETACHING)), "DetachVolume"));
            SnapshotRecord completed = fixture.metadata.store().snapshot(copied.id()).orElseThrow();
            fixture.metadata.store().replaceSnapshot(completed, new SnapshotRecord(completed.id(), completed.owner(),
                    completed.host(), completed.volumeId(), completed.volumeSizeGiB(), completed.description(),
                    SnapshotState.PENDING, 99, Optional.empty(), completed.startTime(), completed.version() + 1));
            SnapshotRecord doomed = fixture.metadata.store().snapshot(deleted.id()).orElseThrow();
            fixture.metadata.store().replaceSnapshot(doomed, doomed.moveTo(SnapshotState.DELETING, Optional.empty(),
                    "DeleteSnapshot"));
        });
        QueuedExecutor scans = new QueuedExecutor();
        fixture.assembly.takeOver(scans);
        clock.advance(LEASE.minusSeconds(1));
        fixture.assembly.takeOver(scans);
        assertEquals(0, scans.pending());

        clock.advance(Duration.ofSeconds(1));
        fixture.assembly.takeOver(scans);
        assertEquals(4, scans.pending());
        scans.runAll();

        // The attach is rolled back over every step (its device and target go, though no record said they
        // were made); the detach is finished; the snapshot's copy ends in error saying why, its file gone;
        // the snapshot's delete is finished.
        for (Volume volume : List.of(attached, detaching)) {
            VolumeRecord now = fixture.metadata.store().volume(volume.id()).orElseThrow();
            assertEquals(VolumeState.AVAILABLE, now.state(), volume.id());
            assertEquals(Optional.empty(), now.attachment());
        }
        assertEquals(Map.of(), fixture.hostDrivers.targets());
        assertEquals(Map.of(), fixture.hostDrivers.devices());
        SnapshotRecord failed = fixture.metadata.store().snapshot(copied.id()).orElseThrow();
        assertEquals(SnapshotState.ERROR, failed.state());
        assertTrue(failed.stateReason().orElseThrow().contains(StepRunner.INTERRUPTED), failed.toString());
        assertFalse(Files.exists(fixture.driver.snapshotFile(copied.id())));
        assertTrue(fixture.metadata.store().snapshot(deleted.id()).isEmpty());
        assertFalse(Files.exists(fixture.driver.snapshotFile(deleted.id())));
        assertTrue(fixture.metadata.operations().isEmpty(), fixture.metadata.operations().toString());
    }

    @Test
    void shouldNotActOnAnOperationAnotherNodeTookOverWhileThisOneWasFrozen() {
        fixture = new ServiceFixture(dir, clock);
        Volume volume = fixture.service.createVolume(JANE, CreateVolumeTest.size(1));
        // The snapshot is committed with its journal record; then this node freezes before its copy step.
        Snapshot pending = fixture.service.createSnapshot(JANE, volume.id(), "");
        clock.advance(LEASE.plusSeconds(1));
        takeOverAs("node-2", clock.instant().plus(LEASE));
        OperationRecord node2s = onlyOperation();

        // It wakes up and goes on with the copy step.
        fixture.executor.runAll();

        assertFenced(pending, node2s);
    }

    @Test
    void shouldNotActOnAnOperationThisNodeTookBackInANewEpoch() {
        fixture = new ServiceFixture(dir, clock);
        Volume volume = fixture.service.createVolume(JANE, CreateVolumeTest.size(1));
        Snapshot pending = fixture.service.createSnapshot(JANE, volume.id(), "");
        clock.advance(LEASE.plusSeconds(1));
        // This very node's periodic takeover (another thread) took the frozen operation back.
        takeOverAs(ServiceFixture.NODE, clock.instant().plus(LEASE));
        OperationRecord retaken = onlyOperation();
        assertEquals(1, retaken.epoch());

        fixture.executor.runAll();

        assertFenced(pending, retaken);
    }

    @Test
    void shouldInterruptADriverCallWhoseLeaseRenewalFindsTheOperationTakenOver() throws Exception {
        fixture = new ServiceFixture(dir, new Timeouts(Duration.ofSeconds(30), Duration.ofSeconds(30),
                Duration.ofMillis(600)));
        Volume volume = fixture.service.createVolume(JANE, CreateVolumeTest.size(1));
        fixture.driver.hang(Operation.CREATE_SNAPSHOT, release);
        Snapshot pending = fixture.service.createSnapshot(JANE, volume.id(), "");
        CompletableFuture<Void> running = CompletableFuture.runAsync(fixture.executor::runAll);
        awaitRenewed();

        takeOverAs("node-2", ServiceFixture.CLOCK.instant().plusSeconds(60));
        OperationRecord node2s = onlyOperation();

        // The hung copy is interrupted at the next renewal (a stuck host would fail the same way), and the
        // runner stops there: no rollback of node-2's operation.
        running.get(30, TimeUnit.SECONDS);
        assertFenced(pending, node2s);
    }

    @Test
    void shouldAnswerADeleteWhoseOperationAnotherNodeTookOverAsDeletingAndLetThatNodeFinishIt() throws Exception {
        fixture = new ServiceFixture(dir, clock);
        Volume volume = fixture.service.createVolume(JANE, CreateVolumeTest.size(1));
        fixture.driver.hang(Operation.DELETE_VOLUME, release);
        CompletableFuture<Volume> answer = CompletableFuture.supplyAsync(
                () -> fixture.service.deleteVolume(JANE, volume.id()));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (fixture.metadata.operations().isEmpty()) {
            assertTrue(System.nanoTime() < deadline, "the delete never journalled its operation");
            Thread.sleep(20);
        }
        // This node stalls in the delete (on a host, or on a replica that lost a race) past its lease.
        takeOverAs("node-2", clock.instant().plus(LEASE));
        OperationRecord node2s = onlyOperation();
        release.countDown();

        Volume answered = answer.get(30, TimeUnit.SECONDS);

        assertEquals(VolumeState.DELETING, answered.state(), "not an InternalError: node-2 resumes the delete");
        assertEquals(node2s, onlyOperation(), "this node wrote nothing more once it lost the operation");
        assertEquals(VolumeState.DELETING, fixture.metadata.store().volume(volume.id()).orElseThrow().state());

        // node-2 dies too; once its lease has passed, a scan takes the delete over and finishes it.
        clock.advance(LEASE.plusSeconds(1));
        QueuedExecutor scans = new QueuedExecutor();
        fixture.assembly.takeOver(scans);
        scans.runAll();
        assertTrue(fixture.metadata.isEmpty(), fixture.contents().toString());
        assertFalse(Files.exists(fixture.driver.volumeFile(volume.id())));
    }

    /** Waits until the runner renewed the lease of the operation it runs (so its copy step has begun). */
    private void awaitRenewed() throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (fixture.metadata.operations().isEmpty() || onlyOperation().version() < 2) {
            assertTrue(System.nanoTime() < deadline, "the copy step never began");
            Thread.sleep(20);
        }
    }

    private void assertFenced(Snapshot pending, OperationRecord holder) {
        assertEquals(holder, onlyOperation(), "the record is as the new holder left it");
        assertEquals(SnapshotState.PENDING, fixture.metadata.store().snapshot(pending.id()).orElseThrow().state());
        assertFalse(Files.exists(fixture.driver.snapshotFile(pending.id())));
    }
}
