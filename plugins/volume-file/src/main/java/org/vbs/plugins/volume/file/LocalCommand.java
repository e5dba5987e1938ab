package org.vbs.plugins.volume.file;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Runs a program on this host as an argv array (never through a shell) and waits for it: the exit code and what
 * it printed on stdout and stderr together.
 */
record LocalCommand(int exitCode, String output) {

    /** Runs the program; an interrupt kills it and raises {@link InterruptedIOException}. */
    static LocalCommand run(List<String> argv) throws IOException {
        ProcessBuilder builder = new ProcessBuilder(argv).redirectErrorStream(true);
        builder.environment().put("LC_ALL", "C"); // messages in logs and faults read the same everywhere
        Process process = builder.start();
        try {
            process.getOutputStream().close();
            String output;
            try (InputStream in = process.getInputStream()) {
                output = new String(in.readAllBytes(), StandardCharsets.UTF_8).strip();
            }
            return new LocalCommand(process.waitFor(), output);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while running " + argv);
        } finally {
            process.destroyForcibly(); // a no-op once it has exited; never leaves a child behind
        }
    }

    boolean succeeded() {
        return exitCode == 0;
    }
}
