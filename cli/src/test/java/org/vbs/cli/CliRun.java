package org.vbs.cli;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
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
        return run(ports, env, stderrIsTerminal, noPassphrase(), Clock.systemUTC(), args);
    }

    /** With the pass phrase source and the clock given. */
    static CliRun run(PortFactory ports, Map<String, String> env, boolean stderrIsTerminal, PassphraseSource passphrases,
                      Clock clock, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        List<Duration> sleeps = new ArrayList<>();
        CliContext context = new CliContext(env, Path.of("/home/tester"),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8),
                stderrIsTerminal, ports, sleeps::add, passphrases, clock);
        int status = new Cli(context).run(args);
        return new CliRun(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8),
                List.copyOf(sleeps));
    }

    /** A pass phrase source that must not be asked: every key of the run is unencrypted. */
    static PassphraseSource noPassphrase() {
        return keyFile -> {
            throw new AssertionError("no pass phrase may be asked for, but one was for " + keyFile);
        };
    }

    /** A port factory that must not be used: the run has to fail before any call. */
    static PortFactory noPort() {
        return settings -> {
            throw new AssertionError("no port may be opened, but one was for " + settings.endpoints());
        };
    }
}
