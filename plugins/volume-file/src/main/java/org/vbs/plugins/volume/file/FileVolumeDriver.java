package org.vbs.plugins.volume.file;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Set;

import org.vbs.plugins.spi.volume.Capability;
import org.vbs.plugins.spi.CommandTemplates;
import org.vbs.plugins.spi.DriverException;
import org.vbs.plugins.spi.HostShell;
import org.vbs.plugins.spi.volume.ProgressListener;
import org.vbs.plugins.spi.volume.SnapshotRef;
import org.vbs.plugins.spi.volume.VolumeCapacity;
import org.vbs.plugins.spi.volume.VolumeDriver;
import org.vbs.plugins.spi.volume.VolumeInventory;
import org.vbs.plugins.spi.volume.VolumeSpec;

/**
 * Volumes and snapshots as sparse files in a pool directory (see {@link PoolLayout}). Snapshots and
 * volumes-from-snapshot are reflinks where the pool's file system has them (xfs with reflink=1,
 * btrfs), full sparse copies otherwise.
 *
 * <p>Every file is made under a temporary name in the pool's {@code tmp/}, flushed, then published
 * under its real name by a hard link, which is atomic and never replaces an existing file: a crash or
 * a failure never leaves a half-made volume or snapshot under a real name, and a failed call removes
 * its temporary file.
 *
 * <p>Ids are checked against {@code vol-}/{@code snap-} + 17 hex digits before any file is touched;
 * a malformed id or a size smaller than the snapshot raises {@link IllegalArgumentException}: the
 * service core validates requests first, so either is a bug in the caller.
 */
public final class FileVolumeDriver implements VolumeDriver {
    private static final System.Logger LOG = System.getLogger(FileVolumeDriver.class.getName());

    private final PoolLayout pool;
    private final FileCopier copier;
    private final Set<Capability> capabilities;

    private final long largestFile;

    private FileVolumeDriver(PoolLayout pool, FileCopier copier) throws DriverException {
        this.pool = pool;
        this.copier = copier;
        this.capabilities = Set.of(Capability.THIN_PROVISIONING, Capability.CLONE_FROM_SNAPSHOT, copier.snapshotKind());
        this.largestFile = FileSizeLimit.probe(pool.workDir());
    }

    /**
     * Opens a pool (making its directories if missing), probes whether its file system has reflinks and
     * how large a file it can hold.
     *
     * @param shell the shell of the host the pool is on: the service's own host (the driver also works on
     *        the pool with Java file I/O)
     */
    public static FileVolumeDriver open(Path poolDir, HostShell shell, CommandTemplates templates)
            throws DriverException {
        PoolLayout pool = PoolLayout.prepare(poolDir);
        return new FileVolumeDriver(pool, FileCopier.probe(shell, templates, pool.workDir()));
    }

    /** A driver that makes full (sparse) copies even where reflinks work: lets tests exercise them anywhere. */
    static FileVolumeDriver openWithFullCopies(Path poolDir, HostShell shell, CommandTemplates templates)
            throws DriverException {
        return new FileVolumeDriver(PoolLayout.prepare(poolDir), FileCopier.fullCopies(shell, templates));
    }

    @Override
    public Set<Capability> capabilities() {
        return capabilities;
    }

    /** The pool directory, absolute. */
    public Path poolDir() {
        return pool.root();
    }

    @Override
    public void createVolume(VolumeSpec spec) throws DriverException {
        Path target = pool.volume(spec.volumeId());
        requireFileSize(spec, "volume " + spec.volumeId());
        build(target, "volume " + spec.volumeId(), work -> extend(work, spec.sizeBytes()));
    }

    @Override
    public void createVolumeFromSnapshot(VolumeSpec spec, SnapshotRef source, ProgressListener progress)
            throws DriverException {
        Path target = pool.volume(spec.volumeId());
        Path snapshot = pool.snapshot(source.snapshotId());
        String what = "volume " + spec.volumeId() + " from snapshot " + source.snapshotId();
        requireFile(snapshot, what, "snapshot " + source.snapshotId());
        long snapshotSize = sizeOf(snapshot, what);
        if (spec.sizeBytes() < snapshotSize) {
            throw new IllegalArgumentException(what + ": " + spec.sizeBytes()
                    + " bytes is smaller than the snapshot's " + snapshotSize + " bytes");
        }
        requireFileSize(spec, what);
        requireSpace(snapshot, what);
        build(target, what, work -> {
            progress.progress(0);
            copier.copy(snapshot, work);
            extend(work, spec.sizeBytes());
            progress.progress(100);
        });
    }

    @Override
    public void deleteVolume(String volumeId) throws DriverException {
        delete(pool.volume(volumeId), "volume " + volumeId);
    }

    @Override
    public void createSnapshot(SnapshotRef snapshot, ProgressListener progress) throws DriverException {
        Path target = pool.snapshot(snapshot.snapshotId());
        Path volume = pool.volume(snapshot.volumeId());
        String what = "snapshot " + snapshot.snapshotId() + " of volume " + snapshot.volumeId();
        requireFile(volume, what, "volume " + snapshot.volumeId());
        requireSpace(volume, what);
        build(target, what, work -> {
            progress.progress(0);
            copier.copy(volume, work);
            progress.progress(100);
        });
    }

    @Override
    public void deleteSnapshot(String snapshotId) throws DriverException {
        delete(pool.snapshot(snapshotId), "snapshot " + snapshotId);
    }

    @Override
    public boolean volumeExists(String volumeId) {
        return Files.isRegularFile(pool.volume(volumeId));
    }

    @Override
    public boolean snapshotExists(String snapshotId) {
        return Files.isRegularFile(pool.snapshot(snapshotId));
    }

    @Override
    public VolumeInventory inventory() throws DriverException {
        return new VolumeInventory(PoolLayout.ids(pool.volumesDir(), true), PoolLayout.ids(pool.snapshotsDir(), false));
    }

    @Override
    public VolumeCapacity capacity() throws DriverException {
        try {
            FileStore store = Files.getFileStore(pool.workDir());
            return new VolumeCapacity(store.getTotalSpace(), store.getUsableSpace(), largestFile);
        } catch (IOException e) {
            throw new DriverException(DriverException.Code.IO_ERROR, "cannot read the capacity of the pool "
                    + pool.root() + ": " + e, e);
        }
    }

    @Override
    public Path backingPath(String volumeId) throws DriverException {
        Path file = pool.volume(volumeId);
        if (!Files.isRegularFile(file)) {
            throw new DriverException(DriverException.Code.NOT_FOUND, "volume " + volumeId + " has no storage in the pool "
                    + pool.root() + " (no " + file + ")");
        }
        return file;
    }

    /** Fills a new file under a temporary name. */
    @FunctionalInterface
    private interface Filler {
        void fill(Path work) throws IOException, DriverException;
    }

    private void requireFileSize(VolumeSpec spec, String what) throws DriverException {
        if (spec.sizeBytes() > largestFile) {
            throw new DriverException(DriverException.Code.INSUFFICIENT_CAPACITY, "cannot create " + what + ": "
                    + spec.sizeBytes() + " bytes is more than the largest file the pool " + pool.root()
                    + " can hold (" + largestFile + " bytes)");
        }
    }

    /**
     * Makes {@code target}: fills a temporary file, flushes it, links it under the target's name.
     * Whatever happens, the temporary name is gone afterwards.
     */
    private void build(Path target, String what, Filler filler) throws DriverException {
        if (Files.exists(target)) {
            throw new DriverException(DriverException.Code.ALREADY_EXISTS, "cannot create " + what + ": " + target
                    + " already exists");
        }
        Path work = newWorkFile(target, what);
        try {
            filler.fill(work);
            try (FileChannel channel = FileChannel.open(work, StandardOpenOption.WRITE)) {
                channel.force(true);
            }
            Files.createLink(target, work);
            syncDirectory(target.getParent());
        } catch (FileAlreadyExistsException e) {
            discard(work, e);
            throw new DriverException(DriverException.Code.ALREADY_EXISTS, "cannot create " + what + ": " + target
                    + " was created meanwhile by another call", e);
        } catch (IOException e) {
            discard(work, e);
            throw new DriverException(DriverException.Code.IO_ERROR, "cannot create " + what + ": " + e, e);
        } catch (DriverException | RuntimeException | Error e) {
            discard(work, e);
            throw e;
        }
        try {
            Files.delete(work);
        } catch (IOException e) {
            // The file is made and published; the extra name only costs a directory entry in tmp/.
            LOG.log(System.Logger.Level.WARNING, "created " + what + " but could not remove its temporary name "
                    + work + "; remove it by hand", e);
        }
    }

    private Path newWorkFile(Path target, String what) throws DriverException {
        try {
            // createTempFile makes the file readable by its owner only, and the link keeps that.
            return Files.createTempFile(pool.workDir(), target.getFileName() + "-", ".part");
        } catch (IOException e) {
            throw new DriverException(DriverException.Code.IO_ERROR, "cannot create " + what + ": no temporary file in "
                    + pool.workDir() + ": " + e, e);
        }
    }

    private static void discard(Path work, Throwable failure) {
        try {
            Files.deleteIfExists(work);
        } catch (IOException e) {
            failure.addSuppressed(e);
        }
    }

    private void requireSpace(Path source, String what) throws DriverException {
        try {
            long needed = copier.spaceNeeded(source);
            long usable = Files.getFileStore(pool.workDir()).getUsableSpace();
            if (usable < needed) {
                throw new DriverException(DriverException.Code.INSUFFICIENT_CAPACITY, "cannot create " + what
                        + ": a full copy needs " + needed + " bytes and the pool " + pool.root() + " has " + usable
                        + " bytes free");
            }
        } catch (IOException e) {
            throw new DriverException(DriverException.Code.IO_ERROR, "cannot create " + what
                    + ": cannot read the free space of " + pool.root() + ": " + e, e);
        }
    }

    private static void requireFile(Path file, String what, String missing) throws DriverException {
        if (!Files.isRegularFile(file)) {
            throw new DriverException(DriverException.Code.NOT_FOUND, "cannot create " + what + ": " + missing
                    + " does not exist (no " + file + ")");
        }
    }

    private static long sizeOf(Path file, String what) throws DriverException {
        try {
            return Files.size(file);
        } catch (IOException e) {
            throw new DriverException(DriverException.Code.IO_ERROR, "cannot create " + what + ": " + e, e);
        }
    }

    /** Sets the length of a file; growing it adds a hole, so this is instant whatever the size. */
    private static void extend(Path file, long sizeBytes) throws IOException {
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            raf.setLength(sizeBytes);
        }
    }

    // Makes the new name survive a crash, not just the file's content.
    private static void syncDirectory(Path dir) throws IOException {
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
        }
    }

    /**
     * Deletes a file and whatever a copy of it interrupted by a crash left in {@code tmp/} (its
     * temporary names start with the file's name), so a roll-back after a restart leaves nothing.
     */
    private void delete(Path file, String what) throws DriverException {
        try {
            Files.deleteIfExists(file);
            try (DirectoryStream<Path> leftovers = Files.newDirectoryStream(pool.workDir(),
                    file.getFileName() + "-*.part")) {
                for (Path leftover : leftovers) {
                    Files.deleteIfExists(leftover);
                }
            }
        } catch (IOException e) {
            throw new DriverException(DriverException.Code.IO_ERROR, "cannot delete " + what + ": " + e, e);
        }
    }
}
