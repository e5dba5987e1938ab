package org.vbs.plugins.volume.file;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import org.vbs.plugins.spi.DriverException;

/**
 * Where things live in a pool, and the only place where ids become file names:
 * {@code <pool>/volumes/<volumeId>.img}, {@code <pool>/snapshots/<snapshotId>.img}, and
 * {@code <pool>/tmp/} for files being made. All three are on one file system, so a finished file
 * is published under its real name by a hard link, atomically.
 */
record PoolLayout(Path root) {
    private static final Pattern VOLUME_ID = Pattern.compile("vol-[0-9a-f]{17}");
    private static final Pattern SNAPSHOT_ID = Pattern.compile("snap-[0-9a-f]{17}");
    private static final String SUFFIX = ".img";

    /** Makes the pool's directories if missing and checks they can hold it. */
    static PoolLayout prepare(Path root) throws DriverException {
        PoolLayout layout = new PoolLayout(root.toAbsolutePath().normalize());
        List<Path> dirs = List.of(layout.volumesDir(), layout.snapshotsDir(), layout.workDir());
        try {
            for (Path dir : dirs) {
                Files.createDirectories(dir);
            }
            for (Path dir : dirs) {
                if (!Files.getFileStore(dir).equals(Files.getFileStore(layout.root))) {
                    throw new DriverException(DriverException.Code.CONFIGURATION, "pool " + layout.root
                            + ": " + dir + " is on another file system; volumes, snapshots and tmp must share one");
                }
            }
        } catch (IOException e) {
            throw new DriverException(DriverException.Code.CONFIGURATION,
                    "cannot prepare the file volume pool " + layout.root + ": " + e, e);
        }
        return layout;
    }

    Path volumesDir() {
        return root.resolve("volumes");
    }

    Path snapshotsDir() {
        return root.resolve("snapshots");
    }

    /** Files being made, under temporary names, before they are published. */
    Path workDir() {
        return root.resolve("tmp");
    }

    /** The file of a volume; refuses anything but a well-formed volume id. */
    Path volume(String volumeId) {
        return volumesDir().resolve(checked(VOLUME_ID, "volume", volumeId) + SUFFIX);
    }

    /** The file of a snapshot; refuses anything but a well-formed snapshot id. */
    Path snapshot(String snapshotId) {
        return snapshotsDir().resolve(checked(SNAPSHOT_ID, "snapshot", snapshotId) + SUFFIX);
    }

    /**
     * The ids whose files a directory of the pool holds, with their last modification: only regular
     * files named {@code <well-formed id>.img} count (not a stray file, nor a temporary one).
     *
     * @throws DriverException CONFIGURATION when the directory is missing (the pool is not mounted, or was
     *         moved): an empty answer must mean an empty pool
     */
    static Map<String, Instant> ids(Path dir, boolean volumes) throws DriverException {
        Pattern pattern = volumes ? VOLUME_ID : SNAPSHOT_ID;
        if (!Files.isDirectory(dir)) {
            throw new DriverException(DriverException.Code.CONFIGURATION, "the pool directory " + dir
                    + " is missing: is the pool's file system mounted?");
        }
        Map<String, Instant> found = new HashMap<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*" + SUFFIX)) {
            for (Path file : files) {
                String name = file.getFileName().toString();
                String id = name.substring(0, name.length() - SUFFIX.length());
                if (!pattern.matcher(id).matches()) {
                    continue;
                }
                BasicFileAttributes attributes;
                try {
                    attributes = Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
                } catch (NoSuchFileException e) {
                    // Deleted while the directory was read: not held any more.
                    continue;
                }
                if (attributes.isRegularFile()) {
                    found.put(id, attributes.lastModifiedTime().toInstant());
                }
            }
        } catch (IOException e) {
            throw new DriverException(DriverException.Code.IO_ERROR, "cannot list " + dir + ": " + e, e);
        }
        return found;
    }

    // Ids become file names: a malformed one could name a file outside the pool.
    private static String checked(Pattern pattern, String kind, String id) {
        if (!pattern.matcher(id).matches()) {
            throw new IllegalArgumentException("malformed " + kind + " id (expected " + pattern.pattern() + "): "
                    + printable(id));
        }
        return id;
    }

    // Keeps control characters of a bad id out of messages and logs.
    private static String printable(String id) {
        String shown = id.length() > 64 ? id.substring(0, 64) + "..." : id;
        return "\"" + shown.replaceAll("\\p{Cntrl}", "?") + "\"";
    }
}
