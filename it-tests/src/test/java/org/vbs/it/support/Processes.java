package org.vbs.it.support;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs a program to completion with an argv array (never a shell string) and a bounded wait. */
public final class Processes {

    private Processes() {
    }

    /** What a finished program left: its exit code and its two outputs. */
    public record Result(List<String> argv, int exitCode, String stdout, String stderr) {
        /** For assertion messages: the whole story of the run. */
        public String describe() {
            return String.join(" ", argv) + " -> exit " + exitCode + "\n--- stdout:\n" + stdout + "\n--- stderr:\n"
                    + stderr;
        }
    }

    /**
     * Runs the program and waits for it; its outputs go to files (no pipe can fill and block it).
     *
     * @param environment variables added to this JVM's environment
     * @throws AssertionError if it is still running after the timeout (it is killed then)
     */
    public static Result run(List<String> argv, Map<String, String> environment, Duration timeout)
            throws IOException, InterruptedException {
        Path out = Files.createTempFile("vbs-it-", ".out");
        Path err = Files.createTempFile("vbs-it-", ".err");
        try {
            ProcessBuilder builder = new ProcessBuilder(argv)
                    .redirectOutput(out.toFile())
                    .redirectError(err.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
            builder.environment().putAll(environment);
            Process process = builder.start();
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly().waitFor();
                throw new AssertionError(String.join(" ", argv) + " still running after " + timeout.toSeconds()
                        + " s; stderr so far:\n" + Files.readString(err, StandardCharsets.UTF_8));
            }
            return new Result(List.copyOf(argv), process.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                    Files.readString(err, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }

    /** The bytes a file really occupies on disk (st_blocks * block size), as stat(1) reports it. */
    public static long allocatedBytes(Path file) throws IOException, InterruptedException {
        Result stat = run(List.of("stat", "--format=%b %B", file.toString()), Map.of(), Duration.ofSeconds(30));
        if (stat.exitCode() != 0) {
            throw new IOException(stat.describe());
        }
        String[] blocksAndSize = stat.stdout().trim().split(" ");
        return Long.parseLong(blocksAndSize[0]) * Long.parseLong(blocksAndSize[1]);
    }
}
