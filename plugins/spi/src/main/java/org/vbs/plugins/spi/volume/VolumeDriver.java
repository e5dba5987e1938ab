package org.vbs.plugins.spi.volume;

import java.nio.file.Path;
import java.util.Set;
import org.vbs.plugins.spi.DriverException;

/**
 * A volume backend on one volume server: creates and deletes the bytes behind volumes and snapshots on a volume server.
 *
 * <p>Every method is blocking and idempotent in effect where it can be (deleting something that is
 * already gone succeeds). The service core runs long operations (copies) on its own threads and
 * reports progress through {@link ProgressListener}; a driver never starts threads of its own.
 * Every failure is a {@link DriverException}; a failed call leaves nothing behind (no half-written
 * file, no partial copy). Arguments the core should have refused already (a malformed id, a size
 * smaller than the snapshot) are programming errors and raise {@link IllegalArgumentException}
 * before any storage is touched.
 */
@org.osgi.annotation.versioning.ConsumerType
public interface VolumeDriver {

    /** What this backend can do, as probed on its storage (not just what the code could do). */
    Set<Capability> capabilities();

    /** Creates an empty volume of {@code spec.sizeBytes()}. */
    void createVolume(VolumeSpec spec) throws DriverException;

    /**
     * Creates a volume holding the content of a completed snapshot; the volume may be larger than the
     * snapshot.
     */
    void createVolumeFromSnapshot(VolumeSpec spec, SnapshotRef source, ProgressListener progress)
            throws DriverException;

    /**
     * Deletes a volume's storage, and whatever an interrupted create of it left (a partial copy): the
     * core calls it to roll back a create a crash interrupted. Snapshots taken from the volume stay
     * usable. Deleting a missing volume succeeds.
     */
    void deleteVolume(String volumeId) throws DriverException;

    /** Takes a point-in-time copy of a volume. */
    void createSnapshot(SnapshotRef snapshot, ProgressListener progress) throws DriverException;

    /**
     * Deletes a snapshot's storage, and whatever an interrupted copy of it left. Deleting a missing
     * snapshot succeeds.
     */
    void deleteSnapshot(String snapshotId) throws DriverException;

    /** Whether the storage of this volume exists (used by the core to reconcile after a crash). */
    boolean volumeExists(String volumeId) throws DriverException;

    /** Whether the storage of this snapshot exists. */
    boolean snapshotExists(String snapshotId) throws DriverException;

    /**
     * Every volume and snapshot whose storage this volume server holds, for the core's reconciler to
     * find storage the metadata does not know. A driver that cannot list its storage keeps this
     * default; the reconciler then reports the server's storage as not checked.
     *
     * @throws DriverException {@code UNSUPPORTED} when the driver cannot list; {@code CONFIGURATION} when
     *         the storage is not where it should be (e.g. a pool whose file system is not mounted), so an
     *         empty listing always means an empty server
     */
    default VolumeInventory inventory() throws DriverException {
        throw new DriverException(DriverException.Code.UNSUPPORTED, "this volume driver cannot list its storage");
    }

    /** How much this volume server can hold now: the core places new volumes with it. */
    VolumeCapacity capacity() throws DriverException;

    /**
     * The file or block device on the volume server that holds the volume, for an export driver to
     * back a LUN with.
     *
     * @throws DriverException {@code NOT_FOUND} when the volume's storage does not exist
     */
    Path backingPath(String volumeId) throws DriverException;
}
