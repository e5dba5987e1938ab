package org.vbs.security;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/** What a directory tree holds (every path, its mode and content), to show what a call changed. */
public final class FileTree {
    private FileTree() {
    }

    /** Path (relative to the root) -> "mode" for directories, "mode content" for files. */
    public static Map<String, String> snapshot(Path root) {
        Map<String, String> entries = new TreeMap<>();
        if (!Files.exists(root)) {
            return entries;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path path : (Iterable<Path>) paths::iterator) {
                String mode = PosixFilePermissions.toString(Files.getPosixFilePermissions(path));
                entries.put(root.relativize(path).toString(), Files.isDirectory(path) ? mode
                        : mode + " " + Base64.getEncoder().encodeToString(Files.readAllBytes(path)));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return entries;
    }

    public static String mode(Path path) {
        try {
            return PosixFilePermissions.toString(Files.getPosixFilePermissions(path));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
