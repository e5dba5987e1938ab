package org.vbs.core.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.vbs.core.testing.ServiceFixture.JANE;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vbs.core.api.CreateVolumeRequest;
import org.vbs.core.api.Snapshot;
import org.vbs.core.api.SnapshotState;
import org.vbs.core.api.Volume;
import org.vbs.core.api.VolumeState;
import org.vbs.core.domain.ResourceKind;
import org.vbs.core.domain.SnapshotRecord;
import org.vbs.core.domain.VolumeRecord;
import org.vbs.core.ops.OperationKind;
import org.vbs.core.ops.OperationRecord;
import org.vbs.core.ops.StepRunner;
import org.vbs.core.store.TokenEntry;
import org.vbs.core.testing.QueuedExecutor;
import org.vbs.core.testing.ServiceFixture;
import org.vbs.core.testing.TempDirVolumeDriver.Operation;
import org.vbs.plugins.spi.DriverException;

/**
 * What a crash leaves in the journal, and what the next start makes of it: every interrupted
 * operation resumed or rolled back as its plan says, its partial storage removed, its journal record
 * gone; another live node's operations left alone.
 */
class RecoveryTest {
    @TempDir
    Path dir;
    private ServiceFixture fixture;
    private Volume volume;
    private Snapshot completed;

    @BeforeEach
    void start() {
        fixture = new ServiceFixture(dir);
        volume = fixture.service.createVolume(JANE, CreateVolumeTest.size(2));
        completed = fixture.service.createSnapshot(JANE, volume.id(), "");
        fixture.executor.runAll();
    }

    @AfterEach
    void stop() {
        fixture.close();
    }

    private VolumeRecord volume(String id) {
        return fixture.metadata.store().volume(id).orElseThrow();
    }

    private SnapshotRecord snapshot(String id) {
        return fixture.metadata.store().snapshot(id).orElseThrow();
    }

    /** The service stopped after committing the pending snapshot, in the middle of its copy. */
    private Snapshot interruptedSnapshot() throws IOException {
        Snapshot pending = fixture.service.createSnapshot(JANE, volume.id(), "");
        Files.writeString(fixture.driver.snapshotFile(pending.id()), "half a copy");
        return pending;
    }

    /** The service stopped while copying a snapshot into a new volume. */
    private Volume interruptedCopy() throws IOException {
        Volume creating = fixture.service.createVolume(JANE, new CreateVolumeRequest(Optional.empty(),
                Optional.of(completed.id()), Optional.empty(), Map.of()));
        Files.writeString(fixture.driver.volumeFile(creating.id()), "half a copy");
        return creating;
    }

    /** The service stopped after 'deleting' was committed (with its journal record), before the storage went. */
    private Volume interruptedDelete(String node, Instant lease) {
        Volume other = fixture.service.createVolume(JANE, CreateVolumeTest.size(1));
        fixture.metadata.transactions().run("crash while deleting", () -> {
            VolumeRecord current = volume(other.id());
            fixture.metadata.store().replaceVolume(current,
                    current.moveTo(VolumeState.DELETING, Optional.empty(), "DeleteVolume"));
            fixture.metadata.store().insertOperation(OperationRecord.started("op-0123456789abcdef0",
                    OperationKind.DELETE_VOLUME, other.id(), JANE.caller().dn(), node, lease, Map.of()));
        });
        return other;
    }

    /**
     * The service stopped after claiming a volume for a client token, before its storage was made; the
     * client's retry (through another node) was answered with the claimed volume.
     */
    private Volume interruptedCreateAnsweredToARetry(CreateVolumeRequest request) {
        VolumeRecord claimed = VolumeRecord.creating("vol-0123456789abcdef1", JANE.caller().dn(),
                volume(volume.id()).host(), 1, Optional.empty(), Map.of(), request.clientToken(),
                ServiceFixture.CLOCK.instant());
        fixture.metadata.transactions().run("crash while creating", () -> {
            fixture.metadata.store().insertVolume(claimed, Optional.of(new TokenEntry(claimed.id(),
                    ClientTokens.fingerprint(request))));
            fixture.metadata.store().insertOperation(OperationRecord.started("op-0123456789abcdef1",
                    OperationKind.CREATE_VOLUME, claimed.id(), JANE.caller().dn(), ServiceFixture.NODE,
                    ServiceFixture.CLOCK.instant().plusSeconds(60), Map.of()));
        });
        Volume answered = fixture.service.createVolume(JANE, request);
        assertEquals(claimed.id(), answered.id());
        assertEquals(VolumeState.CREATING, answered.state());
        return answered;
    }

    /** A restart: the work queued before the crash never runs; recovery runs on a fresh executor. */
    private void restart() {
        QueuedExecutor afterRestart = new QueuedExecutor();
        fixture.assembly.recover(afterRestart);
        afterRestart.runAll();
    }

    @Test
    void shouldRecoverAtRestartOnlyOnceThisNodesCopiesOfTheMetadataWereScanned() {
        Volume deleting = interruptedDelete(ServiceFixture.NODE, ServiceFixture.CLOCK.instant().plusSeconds(60));
        AtomicBoolean scanned = new AtomicBoolean();
        fixture.assembly.metadataScanned(scanned::get);
        QueuedExecutor afterRestart = new QueuedExecutor();

        // Restarted (a rejoined node's copies may be stale until its first scan): nothing handed over yet.
        fixture.assembly.recover(afterRestart);
        afterRestart.runAll();
        assertEquals(VolumeState.DELETING, volume(deleting.id()).state());
        assertEquals(1, fixture.metadata.operations().size());

        // The first look after the scan runs the restart's recovery: the delete is finished.
        scanned.set(true);
        fixture.assembly.takeOver(afterRestart);
        afterRestart.runAll();
        assertTrue(fixture.metadata.store().volume(deleting.id()).isEmpty());
        assertFalse(Files.exists(fixture.driver.volumeFile(deleting.id())));
        assertTrue(fixture.metadata.operations().isEmpty(), fixture.metadata.operations().toString());
    }

    @Test
    void shouldFinishAnInterruptedCreateWhoseIdWasAnsweredToARetry() {
        CreateVolumeRequest request = new CreateVolumeRequest(Optional.of(1L), Optional.empty(),
                Optional.of("retried-token"), Map.of());
        Volume answered = interruptedCreateAnsweredToARetry(request);

        restart();

        // The id the client holds is a volume that became available, with its storage; the token still
        // answers with it, and the journal is empty.
        assertEquals(VolumeState.AVAILABLE, volume(answered.id()).state());
        assertTrue(Files.exists(fixture.driver.volumeFile(answered.id())));
        assertEquals(answered.id(), fixture.service.createVolume(JANE, request).id());
        assertTrue(fixture.metadata.operations().isEmpty(), fixture.metadata.operations().toString());
    }

    @Test
    void shouldRollBackOrResumeEveryInterruptedOperationAndLeaveNoJournalEntry() throws IOException {
        Snapshot pending = interruptedSnapshot();
        Volume creating = interruptedCopy();
        Volume deleting = interruptedDelete(ServiceFixture.NODE, ServiceFixture.CLOCK.instant().plusSeconds(60));

        restart();

        // A snapshot interrupted mid-copy is rolled back: its partial copy removed, 'error' saying why.
        SnapshotRecord failedSnapshot = snapshot(pending.id());
        assertEquals(SnapshotState.ERROR, failedSnapshot.state());
        assertTrue(failedSnapshot.stateReason().orElseThrow().contains(StepRunner.INTERRUPTED),
                failedSnapshot.stateReason().toString());
        assertFalse(Files.exists(fixture.driver.snapshotFile(pending.id())));
        // A volume interrupted while copying from a snapshot is resumed: the half copy replaced by a whole one.
        assertEquals(VolumeState.AVAILABLE, volume(creating.id()).state());
        assertEquals(-1, Files.mismatch(fixture.driver.snapshotFile(completed.id()),
                fixture.driver.volumeFile(creating.id())));
        // A delete interrupted before the storage went is finished.
        assertTrue(fixture.metadata.store().volume(deleting.id()).isEmpty());
        assertFalse(fixture.metadata.store().idsOf(JANE.caller().dn(), ResourceKind.VOLUME).contains(deleting.id()));
        assertFalse(Files.exists(fixture.driver.volumeFile(deleting.id())));
        // What was finished before the crash is untouched, and the journal is empty.
        assertEquals(VolumeState.AVAILABLE, volume(volume.id()).state());
        assertEquals(SnapshotState.COMPLETED, snapshot(completed.id()).state());
        assertTrue(fixture.metadata.operations().isEmpty(), fixture.metadata.operations().toString());
    }

    @Test
    void shouldLeaveAnotherLiveNodesOperationAloneAndTakeOverOneWhoseLeaseExpired() {
        Volume held = interruptedDelete("node-2", ServiceFixture.CLOCK.instant().plusSeconds(30));

        restart();

        assertEquals(VolumeState.DELETING, volume(held.id()).state());
        assertEquals("node-2", fixture.metadata.operations().values().iterator().next().node());
        assertTrue(Files.exists(fixture.driver.volumeFile(held.id())));

        fixture.metadata.transactions().run("node-2's lease runs out", () -> {
            OperationRecord current = fixture.metadata.operations().values().iterator().next();
            fixture.metadata.store().replaceOperation(current, current.renewed(ServiceFixture.CLOCK.instant()));
        });
        restart();

        assertTrue(fixture.metadata.store().volume(held.id()).isEmpty());
        assertFalse(Files.exists(fixture.driver.volumeFile(held.id())));
        assertTrue(fixture.metadata.operations().isEmpty());
    }

    @Test
    void shouldEndAStaleRecordWithoutTouchingTheResourceAnotherNodeSettled() throws IOException {
        // A delete's record that an old store kept: the volume it names is available (another node
        // ended that delete by rolling it back, and the owner goes on using the volume).
        Volume kept = fixture.service.createVolume(JANE, CreateVolumeTest.size(1));
        fixture.executor.runAll();
        Files.writeString(fixture.driver.volumeFile(kept.id()), "the owner's data");
        fixture.metadata.transactions().run("a record the store kept", () -> fixture.metadata.store().insertOperation(
                OperationRecord.started("op-0123456789abcdef1", OperationKind.DELETE_VOLUME, kept.id(),
                        JANE.caller().dn(), "node-2", ServiceFixture.CLOCK.instant(), Map.of())));
        // And an attach's record for a volume that is gone.
        fixture.metadata.transactions().run("another stale record", () -> fixture.metadata.store().insertOperation(
                OperationRecord.started("op-0123456789abcdef2", OperationKind.ATTACH_VOLUME, "vol-0123456789abcdef9",
                        JANE.caller().dn(), "node-2", ServiceFixture.CLOCK.instant(), Map.of())));

        restart();

        assertEquals(VolumeState.AVAILABLE, volume(kept.id()).state());
        assertEquals("the owner's data", Files.readString(fixture.driver.volumeFile(kept.id())));
        assertTrue(fixture.metadata.operations().isEmpty(), fixture.metadata.operations().toString());
    }

    @Test
    void shouldPutAVolumeWhoseInterruptedDeleteCannotFinishInErrorSayingSo() {
        Volume deleting = interruptedDelete(ServiceFixture.NODE, ServiceFixture.CLOCK.instant());
        fixture.driver.fail(Operation.DELETE_VOLUME, DriverException.Code.IO_ERROR);

        restart();

        VolumeRecord notDeleted = volume(deleting.id());
        assertEquals(VolumeState.ERROR, notDeleted.state());
        assertTrue(notDeleted.stateReason().orElseThrow().contains("Delete the volume again"),
                notDeleted.stateReason().toString());
        assertTrue(Files.exists(fixture.driver.volumeFile(deleting.id())));
        assertTrue(fixture.metadata.operations().isEmpty());

        // Once the storage can be removed, the owner can delete it.
        fixture.driver.heal();
        fixture.service.deleteVolume(JANE, deleting.id());
        assertFalse(Files.exists(fixture.driver.volumeFile(deleting.id())));
    }

    @Test
    void shouldGiveUpOnARollBackWhoseStorageCannotBeRemovedAndMarkTheSnapshotError() throws IOException {
        Snapshot pending = interruptedSnapshot();
        fixture.driver.fail(Operation.DELETE_SNAPSHOT, DriverException.Code.IO_ERROR);

        restart();

        SnapshotRecord failed = snapshot(pending.id());
        assertEquals(SnapshotState.ERROR, failed.state());
        assertTrue(failed.stateReason().orElseThrow().contains("undoing step 'copy' failed"),
                failed.stateReason().toString());
        assertTrue(fixture.metadata.operations().isEmpty());
        fixture.driver.heal();
        fixture.service.deleteSnapshot(JANE, pending.id());
        assertFalse(Files.exists(fixture.driver.snapshotFile(pending.id())));
    }
}
