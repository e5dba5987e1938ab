package org.vbs.cli;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** One run of the CLI in this JVM, with its exit status and what it printed. */
record CliRun(int status, String out, String err, List<Duration> sleeps) {

    static CliRun run(PortFactory ports, String... args) {
        return run(ports, Map.of(), false, args);
    }

    static CliRun run(PortFactory ports, Map<String, String> env, boolean stderrIsTerminal, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        List<Duration> sleeps = new ArrayList<>();
        CliContext context = new CliContext(env, Path.of("/home/tester"),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8),
                stderrIsTerminal, ports, sleeps::add);
        int status = new Cli(context).run(args);
        return new CliRun(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8),
                List.copyOf(sleeps));
    }

    /** A port factory that must not be used: the run has to fail before any call. */
    static PortFactory noPort() {
        return settings -> {
            throw new AssertionError("no port may be opened, but one was for " + settings.url());
        };
    }
}
