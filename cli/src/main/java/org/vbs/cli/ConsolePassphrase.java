package org.vbs.cli;

import java.io.Console;
import java.nio.file.Path;
import java.util.Objects;
import java.util.function.Supplier;
import org.vbs.security.SecurityConfigException;

/**
 * Asks for a key's pass phrase on the terminal, as grid-proxy-init does ("Enter GRID pass phrase
 * for ..."), without echoing it. Java sees a terminal only when both stdin and stdout are one: with
 * output piped or no terminal at all, it refuses and points at proxy-init, whose proxy needs no
 * pass phrase.
 */
public final class ConsolePassphrase implements PassphraseSource {
    private final Supplier<Console> console;

    public ConsolePassphrase() {
        this(System::console);
    }

    /** With the console given (null: no terminal). */
    ConsolePassphrase(Supplier<Console> console) {
        this.console = Objects.requireNonNull(console, "console");
    }

    @Override
    public char[] passphrase(Path keyFile) {
        Console terminal = console.get();
        if (terminal == null) {
            throw new SecurityConfigException(keyFile, "holds an encrypted private key and there is no terminal to"
                    + " ask for its pass phrase; run 'vbs proxy-init' in a terminal (not piped) once, and the"
                    + " commands sign with the proxy it makes");
        }
        char[] passphrase = terminal.readPassword("Enter GRID pass phrase for %s:", keyFile);
        if (passphrase == null) {
            throw new SecurityConfigException(keyFile, "holds an encrypted private key and no pass phrase was given"
                    + " (end of input)");
        }
        return passphrase;
    }
}
