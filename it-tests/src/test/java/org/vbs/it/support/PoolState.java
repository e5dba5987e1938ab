package org.vbs.it.support;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * Every file under a pool directory with its size: what a refused call must leave exactly as it was
 * (no new volume or snapshot file, no half-made temp file, nothing removed).
 *
 * @param files relative path to size in bytes
 */
public record PoolState(Map<String, Long> files) {
    public PoolState {
        files = Map.copyOf(files);
    }

    public static PoolState of(Path pool) throws IOException {
        Map<String, Long> files = new TreeMap<>();
        if (Files.isDirectory(pool)) {
            try (Stream<Path> walk = Files.walk(pool)) {
                for (Path file : (Iterable<Path>) walk.filter(Files::isRegularFile)::iterator) {
                    files.put(pool.relativize(file).toString(), Files.size(file));
                }
            }
        }
        return new PoolState(files);
    }

    @Override
    public String toString() {
        return new TreeMap<>(files).toString();
    }
}
