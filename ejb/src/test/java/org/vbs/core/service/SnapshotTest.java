package org.vbs.core.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.vbs.core.testing.Faults.assertFault;
import static org.vbs.core.testing.ServiceFixture.BOB;
import static org.vbs.core.testing.ServiceFixture.JANE;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vbs.core.api.CreateVolumeRequest;
import org.vbs.core.api.DescribeRequest;
import org.vbs.core.api.ErrorCode;
import org.vbs.core.api.Snapshot;
import org.vbs.core.api.SnapshotState;
import org.vbs.core.api.Volume;
import org.vbs.core.api.VolumeState;
import org.vbs.core.domain.ResourceKind;
import org.vbs.core.testing.ServiceFixture;
import org.vbs.core.testing.TempDirVolumeDriver.Operation;
import org.vbs.plugins.spi.DriverException;

class SnapshotTest {
    @TempDir
    Path dir;
    private ServiceFixture fixture;
    private Volume volume;

    @BeforeEach
    void start() {
        fixture = new ServiceFixture(dir);
        volume = fixture.service.createVolume(JANE, CreateVolumeTest.size(4));
    }

    @AfterEach
    void stop() {
        fixture.close();
    }

    private Snapshot stored(String id) {
        return fixture.metadata.store().snapshot(id).orElseThrow().toSnapshot();
    }

    private Volume storedVolume(String id) {
        return fixture.metadata.store().volume(id).orElseThrow().toVolume();
    }

    private Snapshot completedSnapshot() {
        Snapshot snapshot = fixture.service.createSnapshot(JANE, volume.id(), "nightly");
        fixture.executor.runAll();
        assertEquals(SnapshotState.COMPLETED, stored(snapshot.id()).state());
        return snapshot;
    }

    private static CreateVolumeRequest fromSnapshot(Optional<Long> size, String snapshotId) {
        return new CreateVolumeRequest(size, Optional.of(snapshotId), Optional.empty(), Map.of());
    }

    @Test
    void shouldReturnAPendingSnapshotAndCopyOnlyAfterTheCommit() {
        Snapshot snapshot = fixture.service.createSnapshot(JANE, volume.id(), "nightly");

        assertTrue(ResourceKind.SNAPSHOT.isWellFormed(snapshot.id()), snapshot.id());
        assertEquals(SnapshotState.PENDING, snapshot.state());
        assertEquals(0, snapshot.progress());
        assertEquals(volume.id(), snapshot.volumeId());
        assertEquals(4, snapshot.volumeSizeGiB());
        assertEquals("nightly", snapshot.description());
        // Committed and visible before any storage work started.
        assertEquals(snapshot, stored(snapshot.id()));
        assertEquals(1, fixture.executor.pending());
        assertFalse(Files.exists(fixture.driver.snapshotFile(snapshot.id())));

        fixture.executor.runAll();

        Snapshot done = stored(snapshot.id());
        assertEquals(SnapshotState.COMPLETED, done.state());
        assertEquals(100, done.progress());
        assertTrue(Files.exists(fixture.driver.snapshotFile(snapshot.id())));
        assertEquals(List.of(done), fixture.service.describeSnapshots(JANE, DescribeRequest.all()).items());
    }

    @Test
    void shouldRecordProgressAsTheCopyGoes() {
        List<Integer> storedProgress = new ArrayList<>();
        Snapshot snapshot = fixture.service.createSnapshot(JANE, volume.id(), "");
        fixture.driver.observeProgress(percent -> storedProgress.add(stored(snapshot.id()).progress()));

        fixture.executor.runAll();

        assertEquals(List.of(10, 20, 30, 40, 50, 60, 70, 80, 90, 100), fixture.driver.progressSeen());
        // Each figure is written as it comes (steps of at least 5%); 100 arrives with 'completed'.
        assertEquals(List.of(10, 20, 30, 40, 50, 60, 70, 80, 90, 90), storedProgress);
        assertEquals(100, stored(snapshot.id()).progress());
    }

    @Test
    void shouldEndInErrorAndRemoveThePartialCopyWhenTheDriverFails() {
        fixture.driver.fail(Operation.CREATE_SNAPSHOT, DriverException.Code.IO_ERROR);
        Snapshot snapshot = fixture.service.createSnapshot(JANE, volume.id(), "");

        fixture.executor.runAll();

        Snapshot failed = stored(snapshot.id());
        assertEquals(SnapshotState.ERROR, failed.state());
        assertTrue(failed.stateReason().orElseThrow().contains("failed at step 'copy'"),
                failed.stateReason().orElseThrow());
        assertFalse(Files.exists(fixture.driver.snapshotFile(snapshot.id())), "partial copy removed");
        assertTrue(fixture.metadata.operations().isEmpty());
        assertEquals(VolumeState.AVAILABLE, storedVolume(volume.id()).state());
    }

    @Test
    void shouldEndInErrorWhenTheDriverVanishedBeforeTheCopy() {
        Snapshot snapshot = fixture.service.createSnapshot(JANE, volume.id(), "");
        fixture.uninstallDriver();

        fixture.executor.runAll();

        Snapshot failed = stored(snapshot.id());
        assertEquals(SnapshotState.ERROR, failed.state());
        // Even the removal of a partial copy needs the driver: the snapshot says both steps failed.
        assertTrue(failed.stateReason().orElseThrow().contains("failed at step 'copy', and undoing step 'copy'"
                + " failed"), failed.stateReason().orElseThrow());
        assertTrue(fixture.metadata.operations().isEmpty());
    }

    @Test
    void shouldRefuseASnapshotOfAnotherOwnersVolumeAsIfItDidNotExist() {
        ServiceFixture.Contents before = fixture.contents();
        assertFault(ErrorCode.INVALID_VOLUME_NOT_FOUND, () -> fixture.service.createSnapshot(BOB, volume.id(), ""),
                volume.id());
        assertFault(ErrorCode.INVALID_VOLUME_NOT_FOUND,
                () -> fixture.service.createSnapshot(BOB, "vol-0123456789abcdef0", ""), "vol-0123456789abcdef0");
        assertFault(ErrorCode.INVALID_VOLUME_ID_MALFORMED, () -> fixture.service.createSnapshot(JANE, "vol-1", ""));
        assertEquals(before, fixture.contents());
        assertEquals(0, fixture.executor.pending());
    }

    @Test
    void shouldRefuseADescriptionOverTheLimit() {
        ServiceFixture.Contents before = fixture.contents();
        assertFault(ErrorCode.INVALID_PARAMETER_VALUE,
                () -> fixture.service.createSnapshot(JANE, volume.id(), "d".repeat(256)), "255");
        assertEquals(before, fixture.contents());
        assertEquals(255, fixture.service.createSnapshot(JANE, volume.id(), "d".repeat(255)).description().length());
    }

    @Test
    void shouldRefuseASnapshotOfAVolumeThatIsNotAvailable() {
        Snapshot source = completedSnapshot();
        Volume creating = fixture.service.createVolume(JANE, fromSnapshot(Optional.empty(), source.id()));
        ServiceFixture.Contents before = fixture.contents();

        assertFault(ErrorCode.INCORRECT_STATE, () -> fixture.service.createSnapshot(JANE, creating.id(), ""),
                creating.id(), "'creating'", "CreateSnapshot");
        assertEquals(before, fixture.contents());
    }

    @Test
    void shouldCopyInTheRequestsThreadWhenTheExecutorIsSaturated() {
        fixture.executor.reject();

        Snapshot snapshot = fixture.service.createSnapshot(JANE, volume.id(), "");

        assertEquals(SnapshotState.COMPLETED, stored(snapshot.id()).state());
        assertTrue(Files.exists(fixture.driver.snapshotFile(snapshot.id())));
        assertTrue(fixture.metadata.operations().isEmpty());
    }

    @Test
    void shouldRefuseToDeleteAPendingSnapshot() {
        Snapshot snapshot = fixture.service.createSnapshot(JANE, volume.id(), "");
        ServiceFixture.Contents before = fixture.contents();

        assertFault(ErrorCode.INCORRECT_STATE, () -> fixture.service.deleteSnapshot(JANE, snapshot.id()),
                snapshot.id(), "'pending'", "DeleteSnapshot");
        assertEquals(before, fixture.contents());
    }

    @Test
    void shouldDeleteACompletedSnapshotAndItsStorage() {
        Snapshot snapshot = completedSnapshot();
        fixture.service.deleteSnapshot(JANE, snapshot.id());

        assertTrue(fixture.metadata.store().snapshot(snapshot.id()).isEmpty());
        assertTrue(fixture.metadata.store().idsOf(JANE.caller().dn(), ResourceKind.SNAPSHOT).isEmpty());
        assertFalse(Files.exists(fixture.driver.snapshotFile(snapshot.id())));
        assertFault(ErrorCode.INVALID_SNAPSHOT_NOT_FOUND, () -> fixture.service.deleteSnapshot(JANE, snapshot.id()));
    }

    @Test
    void shouldDeleteASnapshotInError() {
        fixture.driver.fail(Operation.CREATE_SNAPSHOT, DriverException.Code.IO_ERROR);
        Snapshot snapshot = fixture.service.createSnapshot(JANE, volume.id(), "");
        fixture.executor.runAll();

        fixture.service.deleteSnapshot(JANE, snapshot.id());
        assertTrue(fixture.metadata.store().snapshot(snapshot.id()).isEmpty());
    }

    @Test
    void shouldRefuseToDeleteAnotherOwnersSnapshotAsIfItDidNotExist() {
        Snapshot snapshot = completedSnapshot();
        ServiceFixture.Contents before = fixture.contents();

        assertFault(ErrorCode.INVALID_SNAPSHOT_NOT_FOUND, () -> fixture.service.deleteSnapshot(BOB, snapshot.id()),
                snapshot.id());
        assertFault(ErrorCode.INVALID_SNAPSHOT_ID_MALFORMED, () -> fixture.service.deleteSnapshot(JANE, "snap-1"));
        assertEquals(before, fixture.contents());
    }

    @Test
    void shouldKeepTheSnapshotInErrorWhenItsStorageCannotBeRemoved() {
        Snapshot snapshot = completedSnapshot();
        fixture.driver.fail(Operation.DELETE_SNAPSHOT, DriverException.Code.IO_ERROR);

        assertFault(ErrorCode.INTERNAL_ERROR, () -> fixture.service.deleteSnapshot(JANE, snapshot.id()),
                "request " + JANE.requestId());

        Snapshot kept = stored(snapshot.id());
        assertEquals(SnapshotState.ERROR, kept.state());
        assertTrue(kept.stateReason().orElseThrow().contains("Delete the snapshot again"), kept.stateReason().orElseThrow());
        assertEquals(List.of(snapshot.id()),
                List.copyOf(fixture.metadata.store().idsOf(JANE.caller().dn(), ResourceKind.SNAPSHOT)));
        // A volume cannot be made from a snapshot whose deletion half-happened.
        assertFault(ErrorCode.INCORRECT_STATE, () -> fixture.service.createVolume(JANE,
                fromSnapshot(Optional.empty(), snapshot.id())), "'error'");

        fixture.driver.heal();
        fixture.service.deleteSnapshot(JANE, snapshot.id());
        assertTrue(fixture.metadata.store().snapshot(snapshot.id()).isEmpty());
        assertFalse(Files.exists(fixture.driver.snapshotFile(snapshot.id())));
    }

    @Test
    void shouldRefuseToDeleteAVolumeWhileItsSnapshotIsPending() {
        Snapshot snapshot = fixture.service.createSnapshot(JANE, volume.id(), "");
        ServiceFixture.Contents before = fixture.contents();

        assertFault(ErrorCode.INCORRECT_STATE, () -> fixture.service.deleteVolume(JANE, volume.id()),
                volume.id(), snapshot.id(), "pending");
        assertEquals(before, fixture.contents());

        fixture.executor.runAll();
        assertEquals(VolumeState.DELETED, fixture.service.deleteVolume(JANE, volume.id()).state());
    }

    @Test
    void shouldMakeAVolumeFromASnapshotAsynchronously() {
        Snapshot snapshot = completedSnapshot();

        Volume copy = fixture.service.createVolume(JANE, fromSnapshot(Optional.of(6L), snapshot.id()));

        assertEquals(VolumeState.CREATING, copy.state());
        assertEquals(Optional.of(snapshot.id()), copy.snapshotId());
        assertEquals(6, copy.sizeGiB());
        assertFalse(Files.exists(fixture.driver.volumeFile(copy.id())));
        fixture.executor.runAll();
        assertEquals(VolumeState.AVAILABLE, storedVolume(copy.id()).state());
        assertTrue(Files.exists(fixture.driver.volumeFile(copy.id())));
    }

    @Test
    void shouldTakeTheSnapshotsSizeWhenNoSizeIsGiven() {
        Snapshot snapshot = completedSnapshot();
        Volume copy = fixture.service.createVolume(JANE, fromSnapshot(Optional.empty(), snapshot.id()));
        assertEquals(4, copy.sizeGiB());
    }

    @Test
    void shouldRefuseAVolumeSmallerThanItsSnapshot() {
        Snapshot snapshot = completedSnapshot();
        ServiceFixture.Contents before = fixture.contents();

        assertFault(ErrorCode.INVALID_PARAMETER_VALUE, () -> fixture.service.createVolume(JANE,
                fromSnapshot(Optional.of(3L), snapshot.id())), "3 GiB", "4 GiB", snapshot.id());
        assertEquals(before, fixture.contents());
    }

    @Test
    void shouldRefuseAVolumeFromAPendingSnapshot() {
        Snapshot snapshot = fixture.service.createSnapshot(JANE, volume.id(), "");
        ServiceFixture.Contents before = fixture.contents();

        assertFault(ErrorCode.INCORRECT_STATE, () -> fixture.service.createVolume(JANE,
                fromSnapshot(Optional.empty(), snapshot.id())), snapshot.id(), "'pending'", "'completed'");
        assertEquals(before, fixture.contents());
    }

    @Test
    void shouldRefuseAVolumeFromAnotherOwnersSnapshotAsIfItDidNotExist() {
        Snapshot snapshot = completedSnapshot();
        ServiceFixture.Contents before = fixture.contents();

        assertFault(ErrorCode.INVALID_SNAPSHOT_NOT_FOUND, () -> fixture.service.createVolume(BOB,
                fromSnapshot(Optional.empty(), snapshot.id())), snapshot.id());
        assertEquals(before, fixture.contents());
    }

    @Test
    void shouldRefuseToDeleteASnapshotWhileAVolumeIsCopiedFromIt() {
        Snapshot snapshot = completedSnapshot();
        Volume copy = fixture.service.createVolume(JANE, fromSnapshot(Optional.empty(), snapshot.id()));
        ServiceFixture.Contents before = fixture.contents();

        assertFault(ErrorCode.INCORRECT_STATE, () -> fixture.service.deleteSnapshot(JANE, snapshot.id()),
                snapshot.id(), copy.id());
        assertEquals(before, fixture.contents());

        fixture.executor.runAll();
        fixture.service.deleteSnapshot(JANE, snapshot.id());
        assertEquals(VolumeState.AVAILABLE, storedVolume(copy.id()).state());
    }

    @Test
    void shouldPutTheVolumeInErrorAndRemoveThePartialCopyWhenTheCopyFails() {
        Snapshot snapshot = completedSnapshot();
        fixture.driver.fail(Operation.CREATE_FROM_SNAPSHOT, DriverException.Code.IO_ERROR);
        Volume copy = fixture.service.createVolume(JANE, fromSnapshot(Optional.empty(), snapshot.id()));

        fixture.executor.runAll();

        Volume failed = storedVolume(copy.id());
        assertEquals(VolumeState.ERROR, failed.state());
        assertTrue(failed.stateReason().orElseThrow().contains("CreateVolume failed at step 'copy'"),
                failed.stateReason().orElseThrow());
        assertFalse(Files.exists(fixture.driver.volumeFile(copy.id())), "partial copy removed");
        assertTrue(fixture.metadata.operations().isEmpty());
        // The failed volume can be deleted, and the snapshot is free again.
        fixture.service.deleteVolume(JANE, copy.id());
        fixture.service.deleteSnapshot(JANE, snapshot.id());
    }

    @Test
    void shouldCopyIntoTheVolumeInTheRequestsThreadWhenTheExecutorIsSaturated() {
        Snapshot snapshot = completedSnapshot();
        fixture.executor.reject();

        Volume copy = fixture.service.createVolume(JANE, fromSnapshot(Optional.empty(), snapshot.id()));

        assertEquals(VolumeState.AVAILABLE, storedVolume(copy.id()).state());
        assertEquals(3, fixture.driver.files().size());
        assertTrue(fixture.metadata.operations().isEmpty());
    }

    @Test
    void shouldKeepSnapshotsUsableAfterTheirVolumeIsDeleted() {
        Snapshot snapshot = completedSnapshot();
        fixture.service.deleteVolume(JANE, volume.id());

        Volume copy = fixture.service.createVolume(JANE, fromSnapshot(Optional.empty(), snapshot.id()));
        fixture.executor.runAll();

        assertEquals(VolumeState.AVAILABLE, storedVolume(copy.id()).state());
        assertEquals(SnapshotState.COMPLETED, stored(snapshot.id()).state());
    }
}
