package org.vbs.plugins.volume.file;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;

import org.vbs.plugins.spi.DriverException;

/**
 * The largest file a pool's file system holds (ext4: 16 TiB - 4 KiB with 4 KiB blocks; xfs: 8 EiB),
 * found by growing a sparse probe file: no file system reports it, and a volume beyond it would fail
 * late with "File too large". Each try is one ftruncate of a hole, so the probe costs microseconds.
 */
final class FileSizeLimit {
    private static final long GRAIN = 4096;
    private static final long KNOWN_GOOD = 1L << 30;

    private FileSizeLimit() {
    }

    static long probe(Path dir) throws DriverException {
        try {
            Path file = Files.createTempFile(dir, "size-probe-", ".tmp");
            try (RandomAccessFile probe = new RandomAccessFile(file.toFile(), "rw")) {
                long good = KNOWN_GOOD;
                long bad = Long.MAX_VALUE - GRAIN;
                if (fits(probe, bad)) {
                    return bad;
                }
                while (bad - good > GRAIN) {
                    long middle = good + (bad - good) / 2 / GRAIN * GRAIN;
                    if (fits(probe, middle)) {
                        good = middle;
                    } else {
                        bad = middle;
                    }
                }
                return good;
            } finally {
                Files.deleteIfExists(file);
            }
        } catch (IOException e) {
            throw new DriverException(DriverException.Code.CONFIGURATION, "cannot probe the largest file size in "
                    + dir + ": " + e, e);
        }
    }

    /** Whether the file system accepts a file of {@code length} bytes; "File too large" means no. */
    private static boolean fits(RandomAccessFile probe, long length) throws IOException {
        try {
            probe.setLength(length);
            probe.setLength(0);
            return true;
        } catch (IOException e) {
            if (String.valueOf(e.getMessage()).contains("File too large")
                    || String.valueOf(e.getMessage()).contains("Invalid argument")) {
                return false;
            }
            throw e;
        }
    }
}
