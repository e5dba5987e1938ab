package org.vbs.core.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.vbs.core.testing.ServiceFixture.JANE;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vbs.core.api.CreateVolumeRequest;
import org.vbs.core.api.Snapshot;
import org.vbs.core.api.SnapshotState;
import org.vbs.core.api.Volume;
import org.vbs.core.api.VolumeState;
import org.vbs.core.domain.SnapshotRecord;
import org.vbs.core.domain.VolumeRecord;
import org.vbs.core.testing.ServiceFixture;
import org.vbs.core.testing.TempDirVolumeDriver.Operation;
import org.vbs.plugins.spi.DriverException;

/** What a crash leaves behind, and what the next start makes of it. */
class ReconcilerTest {
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

    /** The service stopped after 'deleting' was committed, before the driver removed the storage. */
    private Volume interruptedDelete() {
        Volume other = fixture.service.createVolume(JANE, CreateVolumeTest.size(1));
        fixture.metadata.transactions().run("crash while deleting", () -> {
            VolumeRecord current = volume(other.id());
            fixture.metadata.store().replaceVolume(current,
                    current.moveTo(VolumeState.DELETING, Optional.empty(), "DeleteVolume"));
        });
        return other;
    }

    private Reconciler.Result reconcile() {
        // A restart: the copies queued before the crash never run.
        return new Reconciler(fixture.core).run();
    }

    @Test
    void shouldEndInterruptedWorkAndRemoveItsPartialStorage() throws IOException {
        Snapshot pending = interruptedSnapshot();
        Volume creating = interruptedCopy();
        Volume deleting = interruptedDelete();

        assertEquals(new Reconciler.Result(3, 0), reconcile());

        SnapshotRecord failedSnapshot = snapshot(pending.id());
        assertEquals(SnapshotState.ERROR, failedSnapshot.state());
        assertEquals(Optional.of(Reconciler.INTERRUPTED), failedSnapshot.stateReason());
        assertFalse(Files.exists(fixture.driver.snapshotFile(pending.id())));

        VolumeRecord failedVolume = volume(creating.id());
        assertEquals(VolumeState.ERROR, failedVolume.state());
        assertEquals(Optional.of(Reconciler.INTERRUPTED), failedVolume.stateReason());
        assertFalse(Files.exists(fixture.driver.volumeFile(creating.id())));

        assertTrue(fixture.metadata.store().volume(deleting.id()).isEmpty());
        assertFalse(fixture.metadata.store().idsOf(JANE.dn(), org.vbs.core.domain.ResourceKind.VOLUME)
                .contains(deleting.id()));
        assertFalse(Files.exists(fixture.driver.volumeFile(deleting.id())));

        // What was finished before the crash is untouched.
        assertEquals(VolumeState.AVAILABLE, volume(volume.id()).state());
        assertEquals(SnapshotState.COMPLETED, snapshot(completed.id()).state());
        assertTrue(Files.exists(fixture.driver.volumeFile(volume.id())));
        assertTrue(Files.exists(fixture.driver.snapshotFile(completed.id())));
        // Nothing is left for a second run.
        assertEquals(new Reconciler.Result(0, 0), reconcile());
    }

    @Test
    void shouldStillEndInterruptedWorkWhenNoDriverIsThereAndSaySo() throws IOException {
        Snapshot pending = interruptedSnapshot();
        Volume deleting = interruptedDelete();
        fixture.uninstallDriver();

        assertEquals(new Reconciler.Result(2, 0), reconcile());

        String snapshotReason = snapshot(pending.id()).stateReason().orElseThrow();
        assertEquals(SnapshotState.ERROR, snapshot(pending.id()).state());
        assertTrue(snapshotReason.startsWith(Reconciler.INTERRUPTED), snapshotReason);
        assertTrue(snapshotReason.contains("could not be removed"), snapshotReason);
        VolumeRecord notDeleted = volume(deleting.id());
        assertEquals(VolumeState.ERROR, notDeleted.state());
        assertTrue(notDeleted.stateReason().orElseThrow().contains("Delete the volume again"));

        // Once the driver is back, the owner can clean up.
        fixture.reinstallDriver();
        fixture.service.deleteVolume(JANE, deleting.id());
        fixture.service.deleteSnapshot(JANE, pending.id());
        assertFalse(Files.exists(fixture.driver.snapshotFile(pending.id())));
    }

    @Test
    void shouldPutADeletingVolumeInErrorWhenItsStorageCannotBeRemoved() {
        Volume deleting = interruptedDelete();
        fixture.driver.fail(Operation.DELETE_VOLUME, DriverException.Code.IO_ERROR);

        assertEquals(new Reconciler.Result(1, 0), reconcile());

        assertEquals(VolumeState.ERROR, volume(deleting.id()).state());
        assertTrue(Files.exists(fixture.driver.volumeFile(deleting.id())));
    }
}
