package org.vbs.plugins.spi.volume;

/**
 * What a volume server can hold now.
 *
 * @param totalBytes the pool's size
 * @param freeBytes what is free in it now (thin volumes may still grow into it)
 * @param largestVolumeBytes the largest volume the backend can make at all (a file system's file size
 *        limit, a device's size), whatever is free
 */
public record VolumeCapacity(long totalBytes, long freeBytes, long largestVolumeBytes) {
    public VolumeCapacity {
        if (totalBytes < 0 || freeBytes < 0 || largestVolumeBytes < 0) {
            throw new IllegalArgumentException("capacities must not be negative: " + totalBytes + ", " + freeBytes
                    + ", " + largestVolumeBytes);
        }
    }
}
