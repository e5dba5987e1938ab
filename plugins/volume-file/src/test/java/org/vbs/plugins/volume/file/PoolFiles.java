package org.vbs.plugins.volume.file;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

import org.vbs.plugins.testkit.tools.ExecResult;

/** What tests read from a pool's files beyond their content. */
final class PoolFiles {
    private PoolFiles() {
    }

    /** Every file and directory under the pool, by relative path: temporaries included. */
    static Set<String> list(Path pool) throws IOException {
        try (Stream<Path> paths = Files.walk(pool)) {
            Set<String> names = new TreeSet<>();
            paths.filter(path -> !path.equals(pool)).forEach(path -> names.add(pool.relativize(path).toString()));
            return names;
        }
    }

    /** The bytes the file system has allocated to a file (st_blocks), which is what sparseness saves. */
    static long allocatedBytes(Path file) throws IOException {
        ExecResult stat = ExecResult.of("stat", "--format=%b %B", "--", file.toString());
        if (stat.exitCode() != 0) {
            throw new IOException("stat " + file + " failed: " + stat.output());
        }
        String[] blocksAndSize = stat.output().split(" ");
        return Long.parseLong(blocksAndSize[0]) * Long.parseLong(blocksAndSize[1]);
    }
}
