package org.vbs.cli;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import java.util.Objects;

/**
 * What a run of {@code vbs} sees of the world: its environment, its output streams, whether stderr
 * is a terminal (for the progress bar), how ports are opened, how it waits, where a key's pass
 * phrase comes from and what time it is (proxy lifetimes). {@link Main} passes the real ones; tests
 * pass their own.
 */
public record CliContext(Map<String, String> env, Path userHome, PrintStream out, PrintStream err,
                         boolean stderrIsTerminal, PortFactory ports, SnapshotWaiter.Sleeper sleeper,
                         PassphraseSource passphrases, Clock clock) {
    public CliContext {
        env = Map.copyOf(env);
        Objects.requireNonNull(userHome, "userHome");
        Objects.requireNonNull(out, "out");
        Objects.requireNonNull(err, "err");
        Objects.requireNonNull(ports, "ports");
        Objects.requireNonNull(sleeper, "sleeper");
        Objects.requireNonNull(passphrases, "passphrases");
        Objects.requireNonNull(clock, "clock");
    }
}
