package org.vbs.core.plugin;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Looks at the plugin directory's {@code *.jar} files (not hidden ones: {@code .name.jar} is how
 * copy tools name what they are still writing) and reports each jar that appeared, changed or
 * disappeared since the last report. A jar is reported only once two looks in a row found it the
 * same (size, modification time, file identity): one still being written in place is not taken
 * half-written; a jar renamed into place (how operators are told to add one) is whole at once.
 * Not thread-safe: one thread looks.
 */
final class PluginDirectoryWatcher {

    /** What the plugin host does about a jar. */
    interface Listener {
        void added(Path jar);

        void changed(Path jar);

        void removed(Path jar);
    }

    /** What a look saw of a jar; a rename over it changes its file identity even when size and time match. */
    private record Stamp(long size, FileTime modified, Object fileKey) {
    }

    private final Path directory;
    /** What the previous look saw. */
    private Map<Path, Stamp> seen = Map.of();
    /** What the listener was last told of each jar. */
    private final Map<Path, Stamp> reported = new TreeMap<>();

    PluginDirectoryWatcher(Path directory) {
        this.directory = Objects.requireNonNull(directory, "directory");
    }

    Path directory() {
        return directory;
    }

    /**
     * The jars there now, in name order, taken as complete without a second look (at start, the
     * jars were put there while nothing was watching) and remembered as reported.
     *
     * @throws IOException when the directory cannot be listed
     */
    List<Path> takeAll() throws IOException {
        Map<Path, Stamp> now = look();
        seen = now;
        reported.clear();
        reported.putAll(now);
        return new ArrayList<>(now.keySet());
    }

    /**
     * One look: tells the listener of each jar gone since it was reported, then of each jar new or
     * changed that this look and the previous one saw the same, in name order.
     *
     * @throws IOException when the directory cannot be listed (nothing is reported then)
     */
    void scan(Listener listener) throws IOException {
        Map<Path, Stamp> now = look();
        for (Path gone : new ArrayList<>(reported.keySet())) {
            if (!now.containsKey(gone)) {
                reported.remove(gone);
                listener.removed(gone);
            }
        }
        for (Map.Entry<Path, Stamp> jar : now.entrySet()) {
            Stamp stamp = jar.getValue();
            Stamp before = reported.get(jar.getKey());
            if (stamp.equals(seen.get(jar.getKey())) && !stamp.equals(before)) {
                reported.put(jar.getKey(), stamp);
                if (before == null) {
                    listener.added(jar.getKey());
                } else {
                    listener.changed(jar.getKey());
                }
            }
        }
        seen = now;
    }

    private Map<Path, Stamp> look() throws IOException {
        Map<Path, Stamp> jars = new TreeMap<>();
        if (!Files.isDirectory(directory)) {
            return jars;
        }
        try (DirectoryStream<Path> listing = Files.newDirectoryStream(directory, "*.jar")) {
            for (Path jar : listing) {
                if (jar.getFileName().toString().startsWith(".")) {
                    continue;
                }
                try {
                    BasicFileAttributes attributes = Files.readAttributes(jar, BasicFileAttributes.class);
                    if (attributes.isRegularFile()) {
                        jars.put(jar, new Stamp(attributes.size(), attributes.lastModifiedTime(), attributes.fileKey()));
                    }
                } catch (NoSuchFileException e) {
                    // Removed between the listing and this look: the next look reports it gone.
                    continue;
                }
            }
        }
        return jars;
    }
}
