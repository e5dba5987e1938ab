package org.vbs.core.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.EnumMap;
import java.util.concurrent.CountDownLatch;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.IntConsumer;
import java.util.stream.Stream;
import org.vbs.plugins.spi.volume.Capability;
import org.vbs.plugins.spi.DriverException;
import org.vbs.plugins.spi.volume.ProgressListener;
import org.vbs.plugins.spi.volume.SnapshotRef;
import org.vbs.plugins.spi.volume.VolumeCapacity;
import org.vbs.plugins.spi.volume.VolumeDriver;
import org.vbs.plugins.spi.volume.VolumeInventory;
import org.vbs.plugins.spi.volume.VolumeSpec;

/**
 * A small real driver for the core's tests: files under a temp directory ({@code volumes/<id>},
 * {@code snapshots/<id>}), scaled down to 1 KiB per GiB so copies take no time, copied in ten chunks
 * with progress. A test can
 * tell an operation to fail; a failing copy first leaves a partial file behind, so the tests see
 * the core remove partial storage itself.
 */
public final class TempDirVolumeDriver implements VolumeDriver {
    public enum Operation { CREATE_VOLUME, CREATE_FROM_SNAPSHOT, DELETE_VOLUME, CREATE_SNAPSHOT, DELETE_SNAPSHOT }

    private static final int CHUNKS = 10;
    /** Bytes stored per byte of the requested size: 1 KiB per GiB. */
    private static final int SCALE_SHIFT = 20;

    private final Path volumes;
    private final Path snapshots;
    private final Map<Operation, DriverException.Code> failures = new EnumMap<>(Operation.class);
    private final Map<Operation, CountDownLatch> hanging = new EnumMap<>(Operation.class);
    private final List<Integer> progressSeen = new ArrayList<>();
    private IntConsumer progressObserver = percent -> { };
    private long largestVolume = Long.MAX_VALUE;
    private DriverException.Code inventoryFailure;

    public TempDirVolumeDriver(Path root) {
        try {
            this.volumes = Files.createDirectories(root.resolve("volumes"));
            this.snapshots = Files.createDirectories(root.resolve("snapshots"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Makes {@code operation} hang from now on until the calling thread is interrupted (as a stuck host
     * would; the call then fails with IO_ERROR) or {@code release} counts down.
     */
    public synchronized void hang(Operation operation, CountDownLatch release) {
        hanging.put(operation, release);
    }

    /** Makes {@code operation} fail with {@code code} from now on. */
    public synchronized void fail(Operation operation, DriverException.Code code) {
        failures.put(operation, code);
    }

    public synchronized void heal() {
        inventoryFailure = null;
        failures.clear();
        hanging.clear();
    }

    public Path volumeFile(String id) {
        return volumes.resolve(id);
    }

    public Path snapshotFile(String id) {
        return snapshots.resolve(id);
    }

    /** Every file the driver holds, volumes and snapshots: the "nothing left behind" check. */
    public List<Path> files() {
        try (Stream<Path> v = Files.list(volumes); Stream<Path> s = Files.list(snapshots)) {
            return Stream.concat(v, s).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public synchronized List<Integer> progressSeen() {
        return List.copyOf(progressSeen);
    }

    /** Called after the core's progress listener, for each figure of a snapshot copy. */
    public synchronized void observeProgress(IntConsumer observer) {
        progressObserver = observer;
    }

    /** Makes {@link #capacity()} report this as the largest volume (placement then refuses larger ones). */
    public synchronized void limitVolumesTo(long bytes) {
        largestVolume = bytes;
    }

    @Override
    public Set<Capability> capabilities() {
        return EnumSet.of(Capability.THIN_PROVISIONING, Capability.FULL_COPY_SNAPSHOTS, Capability.CLONE_FROM_SNAPSHOT);
    }

    @Override
    public void createVolume(VolumeSpec spec) throws DriverException {
        check(Operation.CREATE_VOLUME, spec.volumeId());
        Path file = volumes.resolve(spec.volumeId());
        if (Files.exists(file)) {
            throw new DriverException(DriverException.Code.ALREADY_EXISTS, spec.volumeId() + " exists");
        }
        try (RandomAccessFile sparse = new RandomAccessFile(file.toFile(), "rw")) {
            sparse.setLength(spec.sizeBytes() >> SCALE_SHIFT);
        } catch (IOException e) {
            throw new DriverException(DriverException.Code.IO_ERROR, "creating " + spec.volumeId(), e);
        }
    }

    @Override
    public void createVolumeFromSnapshot(VolumeSpec spec, SnapshotRef source, ProgressListener progress)
            throws DriverException {
        copy(snapshots.resolve(source.snapshotId()), volumes.resolve(spec.volumeId()), spec.sizeBytes(),
                Operation.CREATE_FROM_SNAPSHOT, progress);
    }

    @Override
    public void deleteVolume(String volumeId) throws DriverException {
        check(Operation.DELETE_VOLUME, volumeId);
        delete(volumes.resolve(volumeId));
    }

    @Override
    public void createSnapshot(SnapshotRef snapshot, ProgressListener progress) throws DriverException {
        copy(volumes.resolve(snapshot.volumeId()), snapshots.resolve(snapshot.snapshotId()),
                snapshot.volumeSizeBytes(), Operation.CREATE_SNAPSHOT, percent -> {
                    IntConsumer observer;
                    synchronized (this) {
                        progressSeen.add(percent);
                        observer = progressObserver;
                    }
                    progress.progress(percent);
                    observer.accept(percent);
                });
    }

    @Override
    public void deleteSnapshot(String snapshotId) throws DriverException {
        check(Operation.DELETE_SNAPSHOT, snapshotId);
        delete(snapshots.resolve(snapshotId));
    }

    @Override
    public boolean volumeExists(String volumeId) {
        return Files.exists(volumes.resolve(volumeId));
    }

    @Override
    public boolean snapshotExists(String snapshotId) {
        return Files.exists(snapshots.resolve(snapshotId));
    }

    /** Fails as {@link #failInventory} asked; else the files it holds, with their modification times. */
    @Override
    public VolumeInventory inventory() throws DriverException {
        synchronized (this) {
            if (inventoryFailure != null) {
                throw new DriverException(inventoryFailure, "listing failed as the test asked");
            }
        }
        return new VolumeInventory(modified(volumes), modified(snapshots));
    }

    /** Makes {@link #inventory()} fail with {@code code} from now on (until {@link #heal()}). */
    public synchronized void failInventory(DriverException.Code code) {
        inventoryFailure = code;
    }

    private static Map<String, Instant> modified(Path dir) {
        try (Stream<Path> files = Files.list(dir)) {
            Map<String, Instant> found = new HashMap<>();
            for (Path file : files.toList()) {
                found.put(file.getFileName().toString(), Files.getLastModifiedTime(file).toInstant());
            }
            return found;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public synchronized VolumeCapacity capacity() {
        return new VolumeCapacity(1L << 50, 1L << 49, largestVolume);
    }

    @Override
    public Path backingPath(String volumeId) throws DriverException {
        Path file = volumes.resolve(volumeId);
        if (!Files.exists(file)) {
            throw new DriverException(DriverException.Code.NOT_FOUND, volumeId + " does not exist");
        }
        return file;
    }

    private void check(Operation operation, String id) throws DriverException {
        CountDownLatch release;
        synchronized (this) {
            release = hanging.get(operation);
        }
        if (release != null) {
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new DriverException(DriverException.Code.IO_ERROR, operation + " of " + id + " was cut off", e);
            }
        }
        failIfAsked(operation, id);
    }

    private synchronized void failIfAsked(Operation operation, String id) throws DriverException {
        DriverException.Code code = failures.get(operation);
        if (code != null) {
            throw new DriverException(code, operation + " of " + id + " failed as the test asked");
        }
    }

    /** Copies in chunks; a failing copy writes half of the target first (partial storage). */
    private void copy(Path from, Path to, long targetSize, Operation operation, ProgressListener progress)
            throws DriverException {
        if (!Files.exists(from)) {
            throw new DriverException(DriverException.Code.NOT_FOUND, from.getFileName() + " does not exist");
        }
        boolean failing;
        boolean hung;
        synchronized (this) {
            failing = failures.containsKey(operation);
            hung = hanging.containsKey(operation);
        }
        if (hung) {
            // A copy that hangs does so before it writes anything.
            check(operation, to.getFileName().toString());
        }
        try (InputStream in = Files.newInputStream(from); OutputStream out = Files.newOutputStream(to)) {
            long size = Files.size(from);
            long chunk = Math.max(1, size / CHUNKS);
            byte[] buffer = new byte[(int) chunk];
            long copied = 0;
            for (int i = 1; i <= CHUNKS; i++) {
                long end = i == CHUNKS ? size : i * chunk;
                while (copied < end) {
                    int n = in.read(buffer, 0, (int) Math.min(buffer.length, end - copied));
                    out.write(buffer, 0, n);
                    copied += n;
                }
                if (failing && i == CHUNKS / 2) {
                    check(operation, to.getFileName().toString());
                }
                progress.progress(i * 100 / CHUNKS);
            }
        } catch (IOException e) {
            throw new DriverException(DriverException.Code.IO_ERROR, "copying " + from.getFileName(), e);
        }
        try (RandomAccessFile target = new RandomAccessFile(to.toFile(), "rw")) {
            target.setLength(Math.max(targetSize >> SCALE_SHIFT, Files.size(to)));
        } catch (IOException e) {
            throw new DriverException(DriverException.Code.IO_ERROR, "sizing " + to.getFileName(), e);
        }
    }

    private static void delete(Path file) throws DriverException {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            throw new DriverException(DriverException.Code.IO_ERROR, "deleting " + file.getFileName(), e);
        }
    }
}
