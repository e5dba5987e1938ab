package org.vbs.hosts;

import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.vbs.plugins.spi.Command;

/**
 * Turns an argv array into the one string an SSH exec request carries. The remote sshd hands that
 * string to the account's login shell ({@code $SHELL -c <string>}), so every argv element is put in
 * single quotes, inside which a POSIX shell gives no character a meaning; an embedded single quote
 * becomes {@code '\''} (close the quotes, an escaped quote, reopen). No element can then expand,
 * split, glob, chain or redirect: the program receives exactly the argv the driver built.
 *
 * <p>The fixed prefix, written here and never from input: {@code LC_ALL=C} (messages read the same in
 * logs everywhere, as {@link LocalHostShell} does), then {@code exec} so the shell is replaced by the
 * program and no shell process lingers. For {@link #forRun} the program runs under coreutils
 * {@code timeout -s KILL <seconds>}: sshd sends no signal to a session's processes when its channel
 * closes (no tty, so no SIGHUP), and OpenSSH before 9.8 refuses the SSH "signal" request for root
 * sessions ("session signalling requires privilege separation"), so the remote deadline is what
 * reliably kills a command that outlives its timeout. {@code timeout} runs the program in a process
 * group of its own and kills the whole group, the program's children included.
 */
final class RemoteCommandLine {
    /** What coreutils {@code timeout} prints when it cannot start the program (exit 126 or 127). */
    static final String CANNOT_RUN_PREFIX = "timeout: failed to run command";

    private static final String PREFIX = "LC_ALL=C; export LC_ALL; exec ";

    private RemoteCommandLine() {
    }

    /** The exec string of a command run to its end, killed on the remote side at its timeout. */
    static String forRun(Command command) {
        long millis = Math.max(1, command.timeout().toMillis());
        String seconds = String.format(Locale.ROOT, "%d.%03d", TimeUnit.MILLISECONDS.toSeconds(millis), millis % 1000);
        return PREFIX + "timeout -s KILL " + seconds + " " + quote(command.argv());
    }

    /** The exec string of a command started with live streams (it ends when its stdin closes). */
    static String forStart(Command command) {
        return PREFIX + quote(command.argv());
    }

    /** Each element single-quoted, joined by spaces. */
    static String quote(List<String> argv) {
        StringBuilder line = new StringBuilder();
        for (String element : argv) {
            if (element.indexOf('\0') >= 0) {
                // An exec request is a C string on the remote side: a NUL would silently cut the argument.
                throw new IllegalArgumentException("an argument contains a NUL character");
            }
            if (line.length() > 0) {
                line.append(' ');
            }
            line.append('\'').append(element.replace("'", "'\\''")).append('\'');
        }
        return line.toString();
    }
}
