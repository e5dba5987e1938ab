package org.vbs.plugins.testkit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.vbs.plugins.spi.volume.Capability;
import org.vbs.plugins.spi.DriverException;
import org.vbs.plugins.spi.volume.ProgressListener;
import org.vbs.plugins.spi.volume.SnapshotRef;
import org.vbs.plugins.spi.volume.VolumeCapacity;
import org.vbs.plugins.spi.volume.VolumeDriver;
import org.vbs.plugins.spi.volume.VolumeInventory;
import org.vbs.plugins.spi.volume.VolumeSpec;

/**
 * The behaviour every {@link VolumeDriver} owes the service core, as one JUnit 5 suite. A driver's
 * test extends this class, runs it against the real storage the driver drives, and supplies three
 * hooks: a driver over the pool under test, where a volume's bytes can be read and written, and a
 * listing of everything the pool holds (to prove that a refused or failed call left nothing behind).
 *
 * <p>What the suite relies on beyond the SPI's javadoc: ids are {@code vol-}/{@code snap-} plus 17
 * lowercase hex digits and anything else is refused with {@link IllegalArgumentException} before any
 * storage is touched (ids become names on the volume server); a size smaller than the snapshot is
 * refused the same way. Snapshot content is checked through volumes made from the snapshot, so the
 * suite needs {@link Capability#CLONE_FROM_SNAPSHOT} for those checks.
 *
 * <p>The data written by the suite is not flushed on purpose: a driver must snapshot what a reader
 * of the volume sees, dirty pages included.
 */
public abstract class VolumeDriverContract {

    /** Small enough for full-copy backends to stay quick, large enough to span many copy chunks. */
    protected static final long VOLUME_SIZE = 64L << 20;

    private static final int BLOCK = 4096;
    private static final String HEX = "0123456789abcdef";

    private VolumeDriver driver;

    /** A driver over the pool under test; called before each test. */
    protected abstract VolumeDriver newDriver() throws Exception;

    /** Where the bytes of an existing volume can be read and written directly. */
    protected abstract Path dataPathOf(String volumeId) throws Exception;

    /**
     * Everything the pool holds (files, directories, temporaries, logical volumes...), by name. Two
     * listings are compared to prove that a call changed nothing.
     */
    protected abstract Set<String> storageObjects() throws Exception;

    @BeforeEach
    final void openDriver() throws Exception {
        driver = newDriver();
    }

    /** The driver of the current test. */
    protected final VolumeDriver driver() {
        return driver;
    }

    // ---------------------------------------------------------------- capabilities

    @Test
    void shouldDeclareExactlyOneKindOfSnapshot() {
        Set<Capability> capabilities = driver.capabilities();
        assertTrue(capabilities.contains(Capability.COPY_ON_WRITE_SNAPSHOTS)
                ^ capabilities.contains(Capability.FULL_COPY_SNAPSHOTS),
                "exactly one of COPY_ON_WRITE_SNAPSHOTS and FULL_COPY_SNAPSHOTS: " + capabilities);
    }

    @Test
    void shouldReportACapacityThatHoldsTheSuitesVolumes() throws Exception {
        VolumeCapacity capacity = driver.capacity();

        assertTrue(capacity.freeBytes() <= capacity.totalBytes(), "free <= total: " + capacity);
        assertTrue(capacity.largestVolumeBytes() >= VOLUME_SIZE, "largest volume >= the suite's: " + capacity);
    }

    @Test
    void shouldExportAVolumeFromItsBackingPathAndRefuseAMissingOne() throws Exception {
        String volumeId = newVolumeId();
        driver.createVolume(new VolumeSpec(volumeId, VOLUME_SIZE));

        Path backing = driver.backingPath(volumeId);

        assertTrue(backing.isAbsolute(), "absolute: " + backing);
        assertEquals(dataPathOf(volumeId).toRealPath(), backing.toRealPath());
        String missing = newVolumeId();
        assertMentions(assertDriverException(DriverException.Code.NOT_FOUND, () -> driver.backingPath(missing)),
                missing);
    }

    // ---------------------------------------------------------------- create

    @Test
    void shouldCreateAVolumeOfTheRequestedSizeThatReadsAsZeros() throws Exception {
        String volumeId = newVolumeId();

        driver.createVolume(new VolumeSpec(volumeId, VOLUME_SIZE));

        assertTrue(driver.volumeExists(volumeId));
        assertEquals(VOLUME_SIZE, Files.size(dataPathOf(volumeId)));
        assertZeros(volumeId, 0);
        assertZeros(volumeId, VOLUME_SIZE / 2);
        assertZeros(volumeId, VOLUME_SIZE - BLOCK);
    }

    @Test
    void shouldRefuseCreatingAVolumeTwiceAndKeepTheFirst() throws Exception {
        String volumeId = newVolumeId();
        driver.createVolume(new VolumeSpec(volumeId, VOLUME_SIZE));
        Content content = new Content(1);
        content.writeTo(this, volumeId);
        Set<String> before = storageObjects();

        DriverException e = assertDriverException(DriverException.Code.ALREADY_EXISTS,
                () -> driver.createVolume(new VolumeSpec(volumeId, 2 * VOLUME_SIZE)));

        assertMentions(e, volumeId);
        assertEquals(before, storageObjects());
        assertEquals(VOLUME_SIZE, Files.size(dataPathOf(volumeId)));
        content.assertIn(this, volumeId);
    }

    @Test
    void shouldRefuseMalformedIdsBeforeTouchingStorage() throws Exception {
        String volumeId = newVolumeId();
        driver.createVolume(new VolumeSpec(volumeId, VOLUME_SIZE));
        Set<String> before = storageObjects();
        List<String> badVolumeIds = List.of("vol-../../../../tmp/x", "../" + volumeId, volumeId + "/..",
                "vol-0123456789ABCDEF0", "vol-0123456789abcdef", "vol-0123456789abcdef01", "snap-0123456789abcdef0",
                "vol-0123456789abcdef0\n", "");
        List<String> badSnapshotIds = List.of("snap-../../../../tmp/x", "snap-0123456789ABCDEF0", "vol-0123456789abcdef0",
                "snap-0123456789abcdef", "");

        for (String bad : badVolumeIds) {
            assertThrows(IllegalArgumentException.class, () -> driver.createVolume(new VolumeSpec(bad, VOLUME_SIZE)), bad);
            assertThrows(IllegalArgumentException.class, () -> driver.deleteVolume(bad), bad);
            assertThrows(IllegalArgumentException.class, () -> driver.volumeExists(bad), bad);
            assertThrows(IllegalArgumentException.class,
                    () -> driver.createSnapshot(new SnapshotRef(newSnapshotId(), bad, VOLUME_SIZE), ProgressListener.NONE), bad);
        }
        for (String bad : badSnapshotIds) {
            assertThrows(IllegalArgumentException.class,
                    () -> driver.createSnapshot(new SnapshotRef(bad, volumeId, VOLUME_SIZE), ProgressListener.NONE), bad);
            assertThrows(IllegalArgumentException.class, () -> driver.deleteSnapshot(bad), bad);
            assertThrows(IllegalArgumentException.class, () -> driver.snapshotExists(bad), bad);
            assertThrows(IllegalArgumentException.class, () -> driver.createVolumeFromSnapshot(
                    new VolumeSpec(newVolumeId(), VOLUME_SIZE), new SnapshotRef(bad, volumeId, VOLUME_SIZE), ProgressListener.NONE),
                    bad);
        }
        assertEquals(before, storageObjects());
    }

    // ---------------------------------------------------------------- delete

    @Test
    void shouldDeleteAVolumeAndLeaveNothing() throws Exception {
        Set<String> before = storageObjects();
        String volumeId = newVolumeId();
        driver.createVolume(new VolumeSpec(volumeId, VOLUME_SIZE));
        new Content(2).writeTo(this, volumeId);

        driver.deleteVolume(volumeId);

        assertFalse(driver.volumeExists(volumeId));
        assertEquals(before, storageObjects());
    }

    @Test
    void shouldSucceedDeletingAVolumeThatDoesNotExist() throws Exception {
        Set<String> before = storageObjects();
        String volumeId = newVolumeId();

        driver.deleteVolume(volumeId);

        assertFalse(driver.volumeExists(volumeId));
        assertEquals(before, storageObjects());
    }

    @Test
    void shouldDeleteASnapshotAndLeaveItsVolumeAlone() throws Exception {
        String volumeId = newVolumeId();
        driver.createVolume(new VolumeSpec(volumeId, VOLUME_SIZE));
        Content content = new Content(3);
        content.writeTo(this, volumeId);
        Set<String> before = storageObjects();
        String snapshotId = newSnapshotId();
        driver.createSnapshot(new SnapshotRef(snapshotId, volumeId, VOLUME_SIZE), ProgressListener.NONE);

        driver.deleteSnapshot(snapshotId);

        assertFalse(driver.snapshotExists(snapshotId));
        assertEquals(before, storageObjects());
        content.assertIn(this, volumeId);
    }

    @Test
    void shouldSucceedDeletingASnapshotThatDoesNotExist() throws Exception {
        Set<String> before = storageObjects();
        String snapshotId = newSnapshotId();

        driver.deleteSnapshot(snapshotId);

        assertFalse(driver.snapshotExists(snapshotId));
        assertEquals(before, storageObjects());
    }

    // ---------------------------------------------------------------- inventory (the reconciler's listing)

    @Test
    void shouldListTheVolumesAndSnapshotsItHoldsAndNotThoseDeleted() throws Exception {
        String kept = newVolumeId();
        String deleted = newVolumeId();
        String snapshotId = newSnapshotId();
        driver.createVolume(new VolumeSpec(kept, VOLUME_SIZE));
        driver.createVolume(new VolumeSpec(deleted, VOLUME_SIZE));
        driver.createSnapshot(new SnapshotRef(snapshotId, kept, VOLUME_SIZE), ProgressListener.NONE);
        driver.deleteVolume(deleted);

        VolumeInventory inventory = driver.inventory();

        assertTrue(inventory.volumes().containsKey(kept), () -> "volumes listed: " + inventory.volumes().keySet());
        assertFalse(inventory.volumes().containsKey(deleted));
        assertTrue(inventory.snapshots().containsKey(snapshotId), () -> "listed: " + inventory.snapshots().keySet());
        assertFalse(inventory.volumes().containsKey(snapshotId));
        // When the storage was last changed: not in the future, and not long before this test began.
        Instant modified = inventory.volumes().get(kept);
        assertFalse(modified.isAfter(Instant.now().plusSeconds(5)), modified::toString);
        assertTrue(modified.isAfter(Instant.now().minus(Duration.ofHours(1))), modified::toString);
    }

    @Test
    void shouldListAnEmptyPoolAsEmpty() throws Exception {
        for (String id : driver.inventory().snapshots().keySet()) {
            driver.deleteSnapshot(id);
        }
        for (String id : driver.inventory().volumes().keySet()) {
            driver.deleteVolume(id);
        }

        assertEquals(new VolumeInventory(Map.of(), Map.of()), driver.inventory());
    }

    // ---------------------------------------------------------------- snapshot

    @Test
    void shouldKeepTheContentAtSnapshotTimeWhenTheVolumeIsWrittenLater() throws Exception {
        requireCloneFromSnapshot();
        String volumeId = newVolumeId();
        driver.createVolume(new VolumeSpec(volumeId, VOLUME_SIZE));
        Content atSnapshot = new Content(4);
        atSnapshot.writeTo(this, volumeId);
        SnapshotRef snapshot = new SnapshotRef(newSnapshotId(), volumeId, VOLUME_SIZE);
        driver.createSnapshot(snapshot, ProgressListener.NONE);
        Content later = new Content(5);

        later.writeTo(this, volumeId);

        assertTrue(driver.snapshotExists(snapshot.snapshotId()));
        later.assertIn(this, volumeId);
        atSnapshot.assertIn(this, cloneOf(snapshot, VOLUME_SIZE));
    }

    @Test
    void shouldKeepASnapshotUsableAfterItsVolumeIsDeleted() throws Exception {
        requireCloneFromSnapshot();
        String volumeId = newVolumeId();
        driver.createVolume(new VolumeSpec(volumeId, VOLUME_SIZE));
        Content content = new Content(6);
        content.writeTo(this, volumeId);
        SnapshotRef snapshot = new SnapshotRef(newSnapshotId(), volumeId, VOLUME_SIZE);
        driver.createSnapshot(snapshot, ProgressListener.NONE);

        driver.deleteVolume(volumeId);

        assertFalse(driver.volumeExists(volumeId));
        assertTrue(driver.snapshotExists(snapshot.snapshotId()));
        content.assertIn(this, cloneOf(snapshot, VOLUME_SIZE));
    }

    @Test
    void shouldRefuseTakingASnapshotTwiceAndKeepTheFirst() throws Exception {
        requireCloneFromSnapshot();
        String volumeId = newVolumeId();
        driver.createVolume(new VolumeSpec(volumeId, VOLUME_SIZE));
        Content first = new Content(7);
        first.writeTo(this, volumeId);
        SnapshotRef snapshot = new SnapshotRef(newSnapshotId(), volumeId, VOLUME_SIZE);
        driver.createSnapshot(snapshot, ProgressListener.NONE);
        new Content(8).writeTo(this, volumeId);
        Set<String> before = storageObjects();

        DriverException e = assertDriverException(DriverException.Code.ALREADY_EXISTS,
                () -> driver.createSnapshot(snapshot, ProgressListener.NONE));

        assertMentions(e, snapshot.snapshotId());
        assertEquals(before, storageObjects());
        first.assertIn(this, cloneOf(snapshot, VOLUME_SIZE));
    }

    @Test
    void shouldReportSnapshotProgressUpTo100() throws Exception {
        String volumeId = newVolumeId();
        driver.createVolume(new VolumeSpec(volumeId, VOLUME_SIZE));
        new Content(9).writeTo(this, volumeId);
        RecordingProgress progress = new RecordingProgress();

        driver.createSnapshot(new SnapshotRef(newSnapshotId(), volumeId, VOLUME_SIZE), progress);

        progress.assertMonotonicTo100();
    }

    @Test
    void shouldRefuseASnapshotOfAMissingVolumeLeavingNothing() throws Exception {
        Set<String> before = storageObjects();
        SnapshotRef snapshot = new SnapshotRef(newSnapshotId(), newVolumeId(), VOLUME_SIZE);

        DriverException e = assertDriverException(DriverException.Code.NOT_FOUND,
                () -> driver.createSnapshot(snapshot, ProgressListener.NONE));

        assertMentions(e, snapshot.volumeId());
        assertMentions(e, snapshot.snapshotId());
        assertFalse(driver.snapshotExists(snapshot.snapshotId()));
        assertEquals(before, storageObjects());
    }

    // ---------------------------------------------------------------- volume from snapshot

    @Test
    void shouldCreateAVolumeFromASnapshotWithItsContentAndReportProgressUpTo100() throws Exception {
        requireCloneFromSnapshot();
        Content content = new Content(10);
        SnapshotRef snapshot = snapshotWith(content);
        String cloneId = newVolumeId();
        RecordingProgress progress = new RecordingProgress();

        driver.createVolumeFromSnapshot(new VolumeSpec(cloneId, VOLUME_SIZE), snapshot, progress);

        assertTrue(driver.volumeExists(cloneId));
        assertEquals(VOLUME_SIZE, Files.size(dataPathOf(cloneId)));
        content.assertIn(this, cloneId);
        progress.assertMonotonicTo100();
    }

    @Test
    void shouldCreateALargerVolumeFromASnapshotWhoseTailReadsAsZeros() throws Exception {
        requireCloneFromSnapshot();
        Content content = new Content(11);
        SnapshotRef snapshot = snapshotWith(content);
        String cloneId = newVolumeId();

        driver.createVolumeFromSnapshot(new VolumeSpec(cloneId, 3 * VOLUME_SIZE), snapshot, ProgressListener.NONE);

        assertEquals(3 * VOLUME_SIZE, Files.size(dataPathOf(cloneId)));
        content.assertIn(this, cloneId);
        assertZeros(cloneId, VOLUME_SIZE);
        assertZeros(cloneId, 3 * VOLUME_SIZE - BLOCK);
    }

    @Test
    void shouldRefuseAVolumeFromASnapshotSmallerThanTheSnapshotLeavingNothing() throws Exception {
        requireCloneFromSnapshot();
        SnapshotRef snapshot = snapshotWith(new Content(12));
        Set<String> before = storageObjects();
        String cloneId = newVolumeId();

        assertThrows(IllegalArgumentException.class, () -> driver.createVolumeFromSnapshot(
                new VolumeSpec(cloneId, VOLUME_SIZE - BLOCK), snapshot, ProgressListener.NONE));

        assertFalse(driver.volumeExists(cloneId));
        assertEquals(before, storageObjects());
    }

    @Test
    void shouldRefuseAVolumeFromASnapshotOverAnExistingVolumeAndKeepIt() throws Exception {
        requireCloneFromSnapshot();
        SnapshotRef snapshot = snapshotWith(new Content(13));
        String existingId = newVolumeId();
        driver.createVolume(new VolumeSpec(existingId, VOLUME_SIZE));
        Content existing = new Content(14);
        existing.writeTo(this, existingId);
        Set<String> before = storageObjects();

        DriverException e = assertDriverException(DriverException.Code.ALREADY_EXISTS, () -> driver
                .createVolumeFromSnapshot(new VolumeSpec(existingId, VOLUME_SIZE), snapshot, ProgressListener.NONE));

        assertMentions(e, existingId);
        assertEquals(before, storageObjects());
        existing.assertIn(this, existingId);
    }

    @Test
    void shouldKeepVolumesFromOneSnapshotIndependent() throws Exception {
        requireCloneFromSnapshot();
        Content original = new Content(15);
        SnapshotRef snapshot = snapshotWith(original);
        String first = cloneOf(snapshot, VOLUME_SIZE);
        String second = cloneOf(snapshot, VOLUME_SIZE);

        new Content(16).writeTo(this, first);

        original.assertIn(this, second);
        original.assertIn(this, cloneOf(snapshot, VOLUME_SIZE));
    }

    @Test
    void shouldRefuseAVolumeFromAMissingSnapshotLeavingNothing() throws Exception {
        Set<String> before = storageObjects();
        String volumeId = newVolumeId();
        SnapshotRef missing = new SnapshotRef(newSnapshotId(), newVolumeId(), VOLUME_SIZE);

        DriverException e = assertDriverException(DriverException.Code.NOT_FOUND, () -> driver
                .createVolumeFromSnapshot(new VolumeSpec(volumeId, VOLUME_SIZE), missing, ProgressListener.NONE));

        assertMentions(e, missing.snapshotId());
        assertMentions(e, volumeId);
        assertFalse(driver.volumeExists(volumeId));
        assertEquals(before, storageObjects());
    }

    // ---------------------------------------------------------------- helpers for subclasses

    /** A fresh, well-formed volume id. */
    protected static String newVolumeId() {
        return "vol-" + randomHex();
    }

    /** A fresh, well-formed snapshot id. */
    protected static String newSnapshotId() {
        return "snap-" + randomHex();
    }

    /** Asserts the call fails with a {@link DriverException} of this code, and returns it. */
    protected static DriverException assertDriverException(DriverException.Code code, Executable call) {
        DriverException e = assertThrows(DriverException.class, call);
        assertEquals(code, e.code(), () -> "code of: " + e.getMessage());
        return e;
    }

    /** Asserts a fault message names the id a person needs to act on it. */
    protected static void assertMentions(Exception e, String id) {
        assertTrue(String.valueOf(e.getMessage()).contains(id), () -> "message does not name " + id + ": " + e.getMessage());
    }

    /** Writes bytes into a volume through {@link #dataPathOf}, without flushing them. */
    protected final void write(String volumeId, long offset, byte[] data) throws Exception {
        writeFile(dataPathOf(volumeId), offset, data);
    }

    /** Reads bytes of a volume through {@link #dataPathOf}. */
    protected final byte[] read(String volumeId, long offset, int length) throws Exception {
        return readFile(dataPathOf(volumeId), offset, length);
    }

    /** Writes bytes into an existing file or device, without flushing them. */
    protected static void writeFile(Path file, long offset, byte[] data) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
            ByteBuffer buffer = ByteBuffer.wrap(data);
            while (buffer.hasRemaining()) {
                channel.write(buffer, offset + buffer.position());
            }
        }
    }

    /** Reads bytes of a file or device; fails if it ends first. */
    protected static byte[] readFile(Path file, long offset, int length) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            ByteBuffer buffer = ByteBuffer.allocate(length);
            while (buffer.hasRemaining()) {
                if (channel.read(buffer, offset + buffer.position()) < 0) {
                    throw new EOFException(file + " ends before " + (offset + length));
                }
            }
            return buffer.array();
        }
    }

    private void assertZeros(String volumeId, long offset) throws Exception {
        assertArrayEquals(new byte[BLOCK], read(volumeId, offset, BLOCK), volumeId + " at " + offset);
    }

    private SnapshotRef snapshotWith(Content content) throws Exception {
        String volumeId = newVolumeId();
        driver.createVolume(new VolumeSpec(volumeId, VOLUME_SIZE));
        content.writeTo(this, volumeId);
        SnapshotRef snapshot = new SnapshotRef(newSnapshotId(), volumeId, VOLUME_SIZE);
        driver.createSnapshot(snapshot, ProgressListener.NONE);
        return snapshot;
    }

    private String cloneOf(SnapshotRef snapshot, long size) throws Exception {
        String cloneId = newVolumeId();
        driver.createVolumeFromSnapshot(new VolumeSpec(cloneId, size), snapshot, ProgressListener.NONE);
        return cloneId;
    }

    private void requireCloneFromSnapshot() {
        assumeTrue(driver.capabilities().contains(Capability.CLONE_FROM_SNAPSHOT),
                "snapshot content is checked through volumes made from snapshots");
    }

    private static String randomHex() {
        StringBuilder hex = new StringBuilder(17);
        for (int i = 0; i < 17; i++) {
            hex.append(HEX.charAt(ThreadLocalRandom.current().nextInt(16)));
        }
        return hex.toString();
    }

    /**
     * Recognisable blocks at the start, the middle, across a 1 MiB boundary and at the end of a
     * {@link #VOLUME_SIZE} volume, made from a seed so two contents differ everywhere.
     */
    private record Content(long seed) {
        private static final long[] OFFSETS = {0, VOLUME_SIZE / 2 + 512, (3L << 20) - BLOCK / 2, VOLUME_SIZE - BLOCK};

        byte[] block(int index) {
            byte[] data = new byte[BLOCK];
            new Random(seed * 31 + index).nextBytes(data);
            data[0] = (byte) (seed | 1); // never an all-zero block, whatever the random bytes
            return data;
        }

        void writeTo(VolumeDriverContract suite, String volumeId) throws Exception {
            for (int i = 0; i < OFFSETS.length; i++) {
                suite.write(volumeId, OFFSETS[i], block(i));
            }
        }

        void assertIn(VolumeDriverContract suite, String volumeId) throws Exception {
            for (int i = 0; i < OFFSETS.length; i++) {
                byte[] actual = suite.read(volumeId, OFFSETS[i], BLOCK);
                assertArrayEquals(block(i), actual, volumeId + " at " + OFFSETS[i] + " (content " + seed + ")");
            }
        }
    }
}
