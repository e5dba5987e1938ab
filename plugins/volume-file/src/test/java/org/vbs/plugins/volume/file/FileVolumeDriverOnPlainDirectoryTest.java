package org.vbs.plugins.volume.file;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.vbs.plugins.testkit.tools.ExecResult;
import org.junit.jupiter.api.io.TempDir;
import org.vbs.plugins.spi.volume.Capability;
import org.vbs.plugins.spi.DriverException;
import org.vbs.plugins.spi.volume.ProgressListener;
import org.vbs.plugins.spi.volume.SnapshotRef;
import org.vbs.plugins.spi.volume.VolumeDriver;
import org.vbs.plugins.spi.volume.VolumeSpec;
import org.vbs.plugins.testkit.RecordingProgress;
import org.vbs.plugins.testkit.VolumeDriverContract;

/**
 * The file driver on a plain directory of this machine's file system (ext4 here: no reflinks, so
 * full copies; the capability must say whatever the file system really does), plus the full-copy
 * fallback forced on wherever the tests run.
 */
class FileVolumeDriverOnPlainDirectoryTest extends VolumeDriverContract {
    private static final long MIB = 1L << 20;

    @TempDir
    Path pool;

    @Override
    protected VolumeDriver newDriver() throws DriverException {
        return FileVolumeDriver.open(pool, LocalPool.SHELL, LocalPool.templates());
    }

    @Override
    protected Path dataPathOf(String volumeId) {
        return pool.resolve("volumes").resolve(volumeId + ".img");
    }

    @Override
    protected Set<String> storageObjects() throws Exception {
        return PoolFiles.list(pool);
    }

    private Path snapshotPathOf(String snapshotId) {
        return pool.resolve("snapshots").resolve(snapshotId + ".img");
    }

    @Test
    void shouldReportTheKindOfSnapshotThisFileSystemReallyGives() throws Exception {
        Path source = Files.write(pool.resolve("oracle-source"), new byte[] {1, 2, 3, 4});
        Path target = pool.resolve("oracle-target");
        boolean reflinksWork = ExecResult.of("cp", "--reflink=always", source.toString(), target.toString())
                .exitCode() == 0;

        Set<Capability> capabilities = driver().capabilities();

        assertEquals(reflinksWork, capabilities.contains(Capability.COPY_ON_WRITE_SNAPSHOTS), capabilities::toString);
        assertEquals(!reflinksWork, capabilities.contains(Capability.FULL_COPY_SNAPSHOTS), capabilities::toString);
        assertTrue(capabilities.containsAll(Set.of(Capability.THIN_PROVISIONING, Capability.CLONE_FROM_SNAPSHOT)));
    }

    @Test
    void shouldCreateA1TiBVolumeAsASparseFile() throws Exception {
        String volumeId = newVolumeId();

        driver().createVolume(new VolumeSpec(volumeId, 1L << 40));

        assertEquals(1L << 40, Files.size(dataPathOf(volumeId)));
        assertTrue(PoolFiles.allocatedBytes(dataPathOf(volumeId)) < MIB);
        assertEquals(Set.of("snapshots", "tmp", "volumes", "volumes/" + volumeId + ".img"), storageObjects());
    }

    @Test
    void shouldFallBackToFullCopiesThatMoveOnlyDataAndKeepHoles() throws Exception {
        FileVolumeDriver fullCopies = FileVolumeDriver.openWithFullCopies(pool, LocalPool.SHELL, LocalPool.templates());
        assertTrue(fullCopies.capabilities().contains(Capability.FULL_COPY_SNAPSHOTS));
        String volumeId = newVolumeId();
        long size = 128 * MIB;
        fullCopies.createVolume(new VolumeSpec(volumeId, size));
        writeRandom(volumeId, 0, (int) MIB);
        writeRandom(volumeId, 50 * MIB + 7, 4096);
        writeRandom(volumeId, size - 4096, 4096);
        String snapshotId = newSnapshotId();
        RecordingProgress snapshotProgress = new RecordingProgress();

        fullCopies.createSnapshot(new SnapshotRef(snapshotId, volumeId, size), snapshotProgress);

        snapshotProgress.assertMonotonicTo100();
        Path snapshot = snapshotPathOf(snapshotId);
        assertEquals(-1, Files.mismatch(dataPathOf(volumeId), snapshot));
        assertTrue(PoolFiles.allocatedBytes(snapshot) <= 8 * MIB, "allocated: " + PoolFiles.allocatedBytes(snapshot));

        String cloneId = newVolumeId();
        RecordingProgress cloneProgress = new RecordingProgress();
        fullCopies.createVolumeFromSnapshot(new VolumeSpec(cloneId, 2 * size),
                new SnapshotRef(snapshotId, volumeId, size), cloneProgress);

        cloneProgress.assertMonotonicTo100();
        assertEquals(2 * size, Files.size(dataPathOf(cloneId)));
        assertEquals(size, Files.mismatch(snapshot, dataPathOf(cloneId)), "the clone starts with the snapshot");
        assertTrue(PoolFiles.allocatedBytes(dataPathOf(cloneId)) <= 8 * MIB);
    }

    @Test
    void shouldRemoveThePartialCopyWhenTheProgressListenerFails() throws Exception {
        FileVolumeDriver fullCopies = FileVolumeDriver.openWithFullCopies(pool, LocalPool.SHELL, LocalPool.templates());
        String volumeId = newVolumeId();
        fullCopies.createVolume(new VolumeSpec(volumeId, 64 * MIB));
        writeRandom(volumeId, 0, (int) MIB);
        writeRandom(volumeId, 63 * MIB, (int) MIB);
        Set<String> before = storageObjects();
        IllegalStateException listenerFailure = new IllegalStateException("listener failed");
        SnapshotRef snapshot = new SnapshotRef(newSnapshotId(), volumeId, 64 * MIB);

        IllegalStateException thrown = assertThrows(IllegalStateException.class,
                () -> fullCopies.createSnapshot(snapshot, percent -> {
                    if (percent >= 30) {
                        throw listenerFailure;
                    }
                }));

        assertSame(listenerFailure, thrown);
        assertFalse(fullCopies.snapshotExists(snapshot.snapshotId()));
        assertEquals(before, storageObjects());
    }

    @Test
    void shouldStopACopyWhenInterruptedWithAnIoErrorLeavingNothing() throws Exception {
        FileVolumeDriver fullCopies = FileVolumeDriver.openWithFullCopies(pool, LocalPool.SHELL, LocalPool.templates());
        String volumeId = newVolumeId();
        fullCopies.createVolume(new VolumeSpec(volumeId, 64 * MIB));
        writeRandom(volumeId, 0, (int) MIB);
        writeRandom(volumeId, 63 * MIB, (int) MIB);
        Set<String> before = storageObjects();
        SnapshotRef snapshot = new SnapshotRef(newSnapshotId(), volumeId, 64 * MIB);
        try {
            DriverException e = assertDriverException(DriverException.Code.IO_ERROR,
                    () -> fullCopies.createSnapshot(snapshot, percent -> {
                        if (percent == 0) {
                            Thread.currentThread().interrupt(); // as the core does to cancel a copy
                        }
                    }));

            assertMentions(e, snapshot.snapshotId());
            assertMentions(e, volumeId);
            assertTrue(Thread.currentThread().isInterrupted(), "the driver must keep the interrupt");
        } finally {
            Thread.interrupted();
        }
        assertFalse(fullCopies.snapshotExists(snapshot.snapshotId()));
        assertEquals(before, storageObjects());
    }

    @Test
    void shouldListOnlyWellFormedPublishedFilesAndRefuseToListAPoolWhoseDirectoryIsGone() throws Exception {
        String volumeId = newVolumeId();
        driver().createVolume(new VolumeSpec(volumeId, MIB));
        Files.write(pool.resolve("volumes").resolve("notes.img"), new byte[] {1});
        Files.write(pool.resolve("volumes").resolve(newVolumeId() + ".img.part"), new byte[] {1});
        Files.write(pool.resolve("tmp").resolve(newVolumeId() + ".img"), new byte[] {1});
        Path directory = Files.createDirectory(pool.resolve("snapshots").resolve(newSnapshotId() + ".img"));

        assertEquals(Set.of(volumeId), driver().inventory().volumes().keySet());
        assertEquals(Set.of(), driver().inventory().snapshots().keySet());

        // An unmounted pool must not read as an empty one: the reconciler would take every volume for lost.
        Files.delete(directory);
        Files.delete(pool.resolve("snapshots"));
        DriverException e = assertThrows(DriverException.class, () -> driver().inventory());
        assertEquals(DriverException.Code.CONFIGURATION, e.code());
        assertTrue(e.getMessage().contains(pool.resolve("snapshots").toString()), e::getMessage);
    }

    @Test
    void shouldRefuseAPoolThatIsNotADirectory() throws Exception {
        Path notADirectory = Files.write(pool.resolve("not-a-directory"), new byte[] {42});
        Set<String> before = storageObjects();

        DriverException e = assertDriverException(DriverException.Code.CONFIGURATION,
                () -> FileVolumeDriver.open(notADirectory, LocalPool.SHELL, LocalPool.templates()));

        assertMentions(e, notADirectory.toString());
        assertEquals(before, storageObjects());
        assertEquals(1, Files.size(notADirectory));
    }

    @Test
    void shouldRefuseASnapshotOverAFileLeftUnderItsName() throws Exception {
        String volumeId = newVolumeId();
        driver().createVolume(new VolumeSpec(volumeId, 4 * MIB));
        String snapshotId = newSnapshotId();
        Files.write(snapshotPathOf(snapshotId), new byte[] {7});
        Set<String> before = storageObjects();

        assertDriverException(DriverException.Code.ALREADY_EXISTS, () -> driver().createSnapshot(
                new SnapshotRef(snapshotId, volumeId, 4 * MIB), ProgressListener.NONE));

        assertEquals(before, storageObjects());
        assertEquals(1, Files.size(snapshotPathOf(snapshotId)));
    }

    @Test
    void shouldSnapshotAnEmpty10GiBVolumeWithoutAllocatingItsHoles() throws Exception {
        FileVolumeDriver fullCopies = FileVolumeDriver.openWithFullCopies(pool, LocalPool.SHELL, LocalPool.templates());
        String volumeId = newVolumeId();
        fullCopies.createVolume(new VolumeSpec(volumeId, 10L << 30));
        String snapshotId = newSnapshotId();

        fullCopies.createSnapshot(new SnapshotRef(snapshotId, volumeId, 10L << 30), ProgressListener.NONE);

        assertEquals(10L << 30, Files.size(snapshotPathOf(snapshotId)));
        assertTrue(PoolFiles.allocatedBytes(snapshotPathOf(snapshotId)) < MIB);
    }

    @Test
    void shouldRefuseAVolumeLargerThanTheFileSystemsLargestFileAndLeaveNothing() throws Exception {
        long largest = driver().capacity().largestVolumeBytes();
        assumeTrue(largest < Long.MAX_VALUE / 2, "this file system has no file size limit worth testing");
        String volumeId = newVolumeId();
        Set<String> before = storageObjects();

        DriverException e = assertDriverException(DriverException.Code.INSUFFICIENT_CAPACITY,
                () -> driver().createVolume(new VolumeSpec(volumeId, largest + 4096)));

        assertMentions(e, String.valueOf(largest));
        assertEquals(before, storageObjects());
        driver().createVolume(new VolumeSpec(volumeId, largest));
        assertEquals(largest, Files.size(dataPathOf(volumeId)));
    }

    @Test
    void shouldRemoveWhatACopyKilledMidwayLeftWhenItsSnapshotOrVolumeIsDeleted() throws Exception {
        String volumeId = newVolumeId();
        driver().createVolume(new VolumeSpec(volumeId, 4 * MIB));
        Set<String> before = storageObjects();
        String snapshotId = newSnapshotId();
        String cloneId = newVolumeId();
        // What a killed copy leaves: its temporary file, under the name the driver gives it.
        Files.write(pool.resolve("tmp").resolve(snapshotId + ".img-8167112.part"), new byte[] {1});
        Files.write(pool.resolve("tmp").resolve(cloneId + ".img-5531.part"), new byte[] {2});

        driver().deleteSnapshot(snapshotId);
        driver().deleteVolume(cloneId);

        assertEquals(before, storageObjects());
    }

    private void writeRandom(String volumeId, long offset, int length) throws Exception {
        byte[] data = new byte[length];
        new Random(offset).nextBytes(data);
        write(volumeId, offset, data);
    }
}
