package org.vbs.plugins.spi.volume;

/** What a backend can do, as a closed set of names (never free-form strings). */
public enum Capability {
    /** Volumes take space only as they are written. */
    THIN_PROVISIONING,
    /** Snapshots and volumes-from-snapshot share blocks (reflink, CoW): O(1) in time and space. */
    COPY_ON_WRITE_SNAPSHOTS,
    /** Snapshots are full copies: time and space grow with the volume's size. */
    FULL_COPY_SNAPSHOTS,
    /** A volume can be created from a snapshot. */
    CLONE_FROM_SNAPSHOT
}
