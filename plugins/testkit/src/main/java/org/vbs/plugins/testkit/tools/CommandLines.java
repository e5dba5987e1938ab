package org.vbs.plugins.testkit.tools;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** What every process on this machine was started with ({@code /proc/<pid>/cmdline}), for secret checks. */
public final class CommandLines {
    private CommandLines() {
    }

    /** The processes whose command line holds {@code secret}, as {@code pid: cmdline}. */
    public static List<String> holding(byte[] secret) {
        List<String> holders = new ArrayList<>();
        try (DirectoryStream<Path> procs = Files.newDirectoryStream(Path.of("/proc"), "[0-9]*")) {
            for (Path proc : procs) {
                byte[] cmdline;
                try {
                    cmdline = Files.readAllBytes(proc.resolve("cmdline"));
                } catch (IOException e) {
                    continue; // the process ended while the scan ran
                }
                if (indexOf(cmdline, secret) >= 0) {
                    holders.add(proc.getFileName() + ": " + new String(cmdline, StandardCharsets.UTF_8).replace('\0', ' '));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return holders;
    }

    /** The files under {@code dir} (recursively) whose bytes hold {@code secret}. */
    public static List<Path> filesHolding(Path dir, byte[] secret) throws IOException {
        List<Path> holders = new ArrayList<>();
        try (var files = Files.walk(dir)) {
            for (Path file : (Iterable<Path>) files::iterator) {
                if (Files.isRegularFile(file) && indexOf(Files.readAllBytes(file), secret) >= 0) {
                    holders.add(file);
                }
            }
        }
        return holders;
    }

    static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
