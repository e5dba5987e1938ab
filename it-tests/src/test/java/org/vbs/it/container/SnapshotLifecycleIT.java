package org.vbs.it.container;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.EnterpriseArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.vbs.it.client.CreateSnapshotResponseType;
import org.vbs.it.client.CreateVolumeResponseType;
import org.vbs.it.client.DescribeSnapshotsSetItemResponseType;
import org.vbs.it.client.VbsFault;
import org.vbs.it.support.Caller;
import org.vbs.it.support.Callers;
import org.vbs.it.support.Faults;
import org.vbs.it.support.ItConfig;
import org.vbs.it.support.Pool;
import org.vbs.it.support.VbsEar;

/**
 * CreateSnapshot, DescribeSnapshots, DeleteSnapshot and CreateVolume from a snapshot, checked against
 * the bytes of the real files: a snapshot is a point-in-time copy that outlives its volume.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
public class SnapshotLifecycleIT {
    private static final long GIB = 1L << 30;

    private final Callers callers = Callers.ofArquillianServer();
    private final Pool pool = Pool.of(ItConfig.vbsHome());

    @Deployment(testable = false)
    public static EnterpriseArchive vbs() {
        return VbsEar.fromBuild();
    }

    @Test
    public void snapshotStartsPendingThenCompletesWithItsFileInThePool() throws Exception {
        // given a user's available volume
        Caller user = callers.newUser("snapshot-create");
        String volume = user.createVolume(1).getVolumeId();
        user.awaitVolume(volume, "available");

        // when it snapshots the volume
        CreateSnapshotResponseType started = user.createSnapshot(volume, "nightly");

        // then the snapshot starts pending, of that volume, and completes
        assertTrue(started.getSnapshotId().matches("snap-[0-9a-f]{17}"), started.getSnapshotId());
        assertEquals("pending", started.getStatus());
        assertTrue(started.getProgress().matches("\\d{1,3}%"), started.getProgress());
        assertEquals(volume, started.getVolumeId());
        assertEquals(1, started.getVolumeSize());
        DescribeSnapshotsSetItemResponseType completed = user.awaitSnapshotCompleted(started.getSnapshotId());
        assertEquals("100%", completed.getProgress());
        assertEquals("nightly", completed.getDescription());
        assertEquals(volume, completed.getVolumeId());
        // and its file in the pool has the volume's size
        Path file = pool.snapshotFile(started.getSnapshotId());
        assertTrue(Files.isRegularFile(file), file + " missing");
        assertEquals(GIB, Files.size(file));

        user.deleteVolumes(volume);
        user.deleteSnapshots(started.getSnapshotId());
    }

    @Test
    public void volumeFromSnapshotHoldsTheSnapshottedBytesAfterTheSourceIsChangedAndDeleted() throws Exception {
        // given a volume with data written at its start, in its middle and at its very end
        Caller user = callers.newUser("snapshot-restore");
        String source = user.createVolume(1).getVolumeId();
        user.awaitVolume(source, "available");
        Map<Long, byte[]> snapshotted = pattern("snapshotted");
        write(pool.volumeFile(source), snapshotted);

        // when it is snapshotted, then the source is overwritten and deleted,
        String snapshot = user.createSnapshot(source, "before the change").getSnapshotId();
        user.awaitSnapshotCompleted(snapshot);
        write(pool.volumeFile(source), pattern("overwritten"));
        user.deleteVolumes(source);

        // then the snapshot is still completed and usable,
        assertEquals("completed", user.snapshot(snapshot).getStatus());
        assertTrue(Files.exists(pool.snapshotFile(snapshot)));
        // and a volume made from it holds the bytes as they were when it was taken
        CreateVolumeResponseType restored = user.createVolumeFromSnapshot(snapshot);
        assertEquals(1, restored.getSize());
        user.awaitVolume(restored.getVolumeId(), "available");
        Path restoredFile = pool.volumeFile(restored.getVolumeId());
        assertEquals(GIB, Files.size(restoredFile));
        for (Map.Entry<Long, byte[]> chunk : snapshotted.entrySet()) {
            assertArrayEquals(chunk.getValue(), read(restoredFile, chunk.getKey(), chunk.getValue().length),
                    "bytes at offset " + chunk.getKey());
        }

        user.deleteVolumes(restored.getVolumeId());
        user.deleteSnapshots(snapshot);
    }

    @Test
    public void deletedSnapshotIsGoneFromDescribeAndFromDisk() throws Exception {
        // given a completed snapshot
        Caller user = callers.newUser("snapshot-delete");
        String volume = user.createVolume(1).getVolumeId();
        String snapshot = user.createSnapshot(volume, "to delete").getSnapshotId();
        user.awaitSnapshotCompleted(snapshot);
        Path file = pool.snapshotFile(snapshot);
        assertTrue(Files.exists(file));

        // when the user deletes it
        user.deleteSnapshot(snapshot);

        // then DescribeSnapshots no longer knows it and its file is gone; the volume is untouched
        user.awaitSnapshotGone(snapshot);
        VbsFault byId = assertThrows(VbsFault.class, () -> user.snapshot(snapshot));
        assertEquals("InvalidSnapshot.NotFound", Faults.code(byId));
        assertFalse(user.snapshotIds().contains(snapshot));
        pool.awaitAbsent(file);
        assertEquals("available", user.volume(volume).getStatus());

        user.deleteVolumes(volume);
    }

    /** Distinct bytes at the start, in the middle (not block-aligned) and at the end of a 1 GiB volume. */
    private static Map<Long, byte[]> pattern(String label) {
        Map<Long, byte[]> chunks = new LinkedHashMap<>();
        chunks.put(0L, ("start:" + label).getBytes(StandardCharsets.US_ASCII));
        chunks.put(GIB / 2 + 4097, ("middle:" + label).getBytes(StandardCharsets.US_ASCII));
        byte[] end = ("end:" + label).getBytes(StandardCharsets.US_ASCII);
        chunks.put(GIB - end.length, end);
        return chunks;
    }

    private static void write(Path file, Map<Long, byte[]> chunks) throws IOException {
        try (RandomAccessFile out = new RandomAccessFile(file.toFile(), "rw")) {
            for (Map.Entry<Long, byte[]> chunk : chunks.entrySet()) {
                out.seek(chunk.getKey());
                out.write(chunk.getValue());
            }
        }
    }

    private static byte[] read(Path file, long offset, int length) throws IOException {
        try (RandomAccessFile in = new RandomAccessFile(file.toFile(), "r")) {
            byte[] bytes = new byte[length];
            in.seek(offset);
            in.readFully(bytes);
            return bytes;
        }
    }
}
