package org.vbs.cli;

import java.nio.file.Path;
import java.time.Clock;

/** The {@code vbs} launcher's entry point. */
public final class Main {
    /** Set by bin/vbs when stderr is a terminal (Java cannot tell by itself): enables the progress bar. */
    static final String STDERR_TTY_PROPERTY = "vbs.stderr.tty";

    private Main() {
    }

    public static void main(String[] args) {
        PassphraseSource terminal = new ConsolePassphrase();
        CliContext context = new CliContext(System.getenv(), Path.of(System.getProperty("user.home")), System.out,
                System.err, Boolean.getBoolean(STDERR_TTY_PROPERTY), new SignedPortFactory(terminal),
                duration -> Thread.sleep(duration.toMillis()), terminal, Clock.systemUTC());
        System.exit(new Cli(context).run(args));
    }
}
