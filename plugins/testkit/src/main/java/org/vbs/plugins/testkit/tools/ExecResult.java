package org.vbs.plugins.testkit.tools;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** A tool run by a test to its end: exit code and output (stdout and stderr together). */
public record ExecResult(int exitCode, String output) {

    /** Runs {@code argv} (never a shell) with stdin closed; kills it after {@code timeout}. */
    public static ExecResult of(List<String> argv, Duration timeout) throws IOException {
        ProcessBuilder builder = new ProcessBuilder(argv).redirectErrorStream(true);
        builder.environment().put("LC_ALL", "C");
        Process process = builder.start();
        try {
            process.getOutputStream().close();
            byte[] out;
            try (InputStream in = process.getInputStream()) {
                out = in.readAllBytes();
            }
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new IOException(String.join(" ", argv) + " did not end within " + timeout);
            }
            return new ExecResult(process.exitValue(), new String(out, StandardCharsets.UTF_8).strip());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while running " + argv, e);
        } finally {
            process.destroyForcibly();
        }
    }

    public static ExecResult of(String... argv) throws IOException {
        return of(List.of(argv), Duration.ofSeconds(60));
    }

    static void pause(Duration duration) throws IOException {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }
}
