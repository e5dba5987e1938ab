package org.vbs.plugins.volume.file;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Random;
import java.util.Set;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.vbs.plugins.spi.volume.Capability;
import org.vbs.plugins.spi.DriverException;
import org.vbs.plugins.spi.volume.ProgressListener;
import org.vbs.plugins.spi.volume.SnapshotRef;
import org.vbs.plugins.spi.volume.VolumeDriver;
import org.vbs.plugins.spi.volume.VolumeSpec;
import org.vbs.plugins.testkit.RecordingProgress;
import org.vbs.plugins.testkit.VolumeDriverContract;

/**
 * The file driver on a real xfs with reflink=1, made on a loop device for this class (needs root):
 * snapshots and clones must be reflinks there, sharing blocks instead of copying them.
 */
class FileVolumeDriverOnXfsTest extends VolumeDriverContract {
    private static final long MIB = 1L << 20;
    private static final long TIB = 1L << 40;
    /** Room for the suite's small writes, far less than the 1 TiB volumes made here. */
    private static final long XFS_SIZE = 512 * MIB;

    private static XfsLoopPool xfs;

    @BeforeAll
    static void makeXfs() throws IOException {
        xfs = XfsLoopPool.create(XFS_SIZE);
    }

    @AfterAll
    static void removeXfs() throws IOException {
        if (xfs != null) {
            xfs.close();
        }
    }

    private static Path pool() {
        return xfs.mountPoint().resolve("pool");
    }

    @Override
    protected VolumeDriver newDriver() throws DriverException {
        return FileVolumeDriver.open(pool(), LocalPool.SHELL, LocalPool.templates());
    }

    @Override
    protected Path dataPathOf(String volumeId) {
        return pool().resolve("volumes").resolve(volumeId + ".img");
    }

    @Override
    protected Set<String> storageObjects() throws Exception {
        return PoolFiles.list(pool());
    }

    @Test
    void shouldSnapshotByReflinkOnXfs() {
        Set<Capability> capabilities = driver().capabilities();

        assertTrue(capabilities.contains(Capability.COPY_ON_WRITE_SNAPSHOTS), capabilities::toString);
        assertFalse(capabilities.contains(Capability.FULL_COPY_SNAPSHOTS), capabilities::toString);
    }

    @Test
    void shouldSnapshotA1TiBVolumeWithoutCopyingItsBlocks() throws Exception {
        String volumeId = newVolumeId();
        driver().createVolume(new VolumeSpec(volumeId, TIB));
        long freeBeforeWriting = freeSpace();
        byte[] head = randomBytes(32 * MIB, 1);
        byte[] tail = randomBytes(4096, 2);
        write(volumeId, 0, head);
        write(volumeId, TIB - tail.length, tail);
        try (FileChannel channel = FileChannel.open(dataPathOf(volumeId), StandardOpenOption.WRITE)) {
            channel.force(true); // allocate the blocks now, so that free space counts them
        }
        long freeBeforeSnapshot = freeSpace();
        // Earlier tests' deletions may still be freeing blocks in the background: leave some margin.
        assertTrue(freeBeforeWriting - freeBeforeSnapshot >= 24 * MIB,
                "the 32 MiB written really take space: " + (freeBeforeWriting - freeBeforeSnapshot));
        String snapshotId = newSnapshotId();
        RecordingProgress progress = new RecordingProgress();

        driver().createSnapshot(new SnapshotRef(snapshotId, volumeId, TIB), progress);

        progress.assertMonotonicTo100();
        long used = freeBeforeSnapshot - freeSpace();
        assertTrue(used < 4 * MIB, "a reflink snapshot shares the 32 MiB written, yet it took " + used + " bytes");
        Path snapshot = pool().resolve("snapshots").resolve(snapshotId + ".img");
        assertEquals(TIB, Files.size(snapshot));
        assertArrayEquals(head, readFile(snapshot, 0, head.length));
        assertArrayEquals(tail, readFile(snapshot, TIB - tail.length, tail.length));
    }

    @Test
    void shouldRefuseFullCopiesLargerThanThePoolLeavingNothing() throws Exception {
        String volumeId = newVolumeId();
        driver().createVolume(new VolumeSpec(volumeId, TIB));
        // A sparse copy needs the space of the data extents only: hold more data than is left free.
        long data = freeSpace() * 3 / 5 / MIB * MIB;
        try (FileChannel channel = FileChannel.open(dataPathOf(volumeId), StandardOpenOption.WRITE)) {
            ByteBuffer chunk = ByteBuffer.allocate((int) MIB);
            for (long offset = 0; offset < data; offset += MIB) {
                chunk.clear();
                chunk.put(0, (byte) 1);
                channel.write(chunk, offset);
            }
        }
        SnapshotRef snapshot = new SnapshotRef(newSnapshotId(), volumeId, TIB);
        driver().createSnapshot(snapshot, ProgressListener.NONE);
        FileVolumeDriver fullCopies = FileVolumeDriver.openWithFullCopies(pool(), LocalPool.SHELL, LocalPool.templates());
        Set<String> before = storageObjects();
        SnapshotRef another = new SnapshotRef(newSnapshotId(), volumeId, TIB);
        String cloneId = newVolumeId();

        DriverException snapshotFault = assertDriverException(DriverException.Code.INSUFFICIENT_CAPACITY,
                () -> fullCopies.createSnapshot(another, ProgressListener.NONE));
        DriverException cloneFault = assertDriverException(DriverException.Code.INSUFFICIENT_CAPACITY,
                () -> fullCopies.createVolumeFromSnapshot(new VolumeSpec(cloneId, TIB), snapshot, ProgressListener.NONE));

        assertMentions(snapshotFault, another.snapshotId());
        assertMentions(cloneFault, cloneId);
        assertMentions(cloneFault, snapshot.snapshotId());
        assertFalse(fullCopies.snapshotExists(another.snapshotId()));
        assertFalse(fullCopies.volumeExists(cloneId));
        assertEquals(before, storageObjects());
    }

    private static long freeSpace() throws IOException {
        return Files.getFileStore(xfs.mountPoint()).getUnallocatedSpace();
    }

    private static byte[] randomBytes(long length, long seed) {
        byte[] data = new byte[(int) length];
        new Random(seed).nextBytes(data);
        return data;
    }
}
