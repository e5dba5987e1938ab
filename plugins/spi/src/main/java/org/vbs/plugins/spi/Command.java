package org.vbs.plugins.spi;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One program to run on a host: an argv array (never a shell string), optional bytes for its stdin
 * (how secrets reach a tool) and a timeout after which it is killed.
 *
 * @param argv the program and its arguments; argv[0] is looked up on the host's PATH
 * @param stdin what the program reads on stdin; empty means stdin is closed at once
 * @param timeout how long the program may run before it is killed and the call fails
 */
public record Command(List<String> argv, Optional<byte[]> stdin, Duration timeout) {
    /** What a host command may take when a template or driver does not say otherwise. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);

    public Command {
        argv = List.copyOf(argv);
        Objects.requireNonNull(stdin, "stdin");
        Objects.requireNonNull(timeout, "timeout");
        if (argv.isEmpty() || argv.get(0).isBlank()) {
            throw new IllegalArgumentException("a command needs a program: " + argv);
        }
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("a command's timeout must be positive: " + timeout);
        }
    }

    public static Command of(List<String> argv) {
        return new Command(argv, Optional.empty(), DEFAULT_TIMEOUT);
    }

    public static Command of(String... argv) {
        return of(List.of(argv));
    }

    public Command withStdin(byte[] input) {
        return new Command(argv, Optional.of(input), timeout);
    }

    public Command withTimeout(Duration limit) {
        return new Command(argv, stdin, limit);
    }

    /** For logs: the argv only; stdin (where secrets go) is never shown. */
    @Override
    public String toString() {
        return String.join(" ", argv) + (stdin.isPresent() ? " <stdin>" : "");
    }
}
