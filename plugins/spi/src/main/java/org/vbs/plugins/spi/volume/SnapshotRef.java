package org.vbs.plugins.spi.volume;

import java.util.Objects;

/** A snapshot and the volume it was (or is being) taken from, with that volume's size in bytes. */
public record SnapshotRef(String snapshotId, String volumeId, long volumeSizeBytes) {
    public SnapshotRef {
        Objects.requireNonNull(snapshotId, "snapshotId");
        Objects.requireNonNull(volumeId, "volumeId");
        if (volumeSizeBytes <= 0) {
            throw new IllegalArgumentException("volumeSizeBytes must be positive: " + volumeSizeBytes);
        }
    }
}
