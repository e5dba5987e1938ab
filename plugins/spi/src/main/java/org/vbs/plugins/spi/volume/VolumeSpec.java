package org.vbs.plugins.spi.volume;

import java.util.Objects;

/** What a driver needs to create a volume: its id and its size in bytes. */
public record VolumeSpec(String volumeId, long sizeBytes) {
    public VolumeSpec {
        Objects.requireNonNull(volumeId, "volumeId");
        if (sizeBytes <= 0) {
            throw new IllegalArgumentException("sizeBytes must be positive: " + sizeBytes);
        }
    }
}
