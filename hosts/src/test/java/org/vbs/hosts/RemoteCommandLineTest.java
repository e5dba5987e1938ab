package org.vbs.hosts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.vbs.plugins.spi.Command;

/** The exec strings, exactly (the contract checks them end to end through a real sshd). */
class RemoteCommandLineTest {

    @Test
    void shouldSingleQuoteEveryElementAndEscapeEmbeddedQuotes() {
        assertEquals("'tgtadm' '--op' 'it'\\''s' '' '$(x)'",
                RemoteCommandLine.quote(List.of("tgtadm", "--op", "it's", "", "$(x)")));
    }

    @Test
    void shouldKillARunCommandOnTheRemoteSideAtItsTimeout() {
        Command command = Command.of("sleep", "5").withTimeout(Duration.ofMillis(1500));

        assertEquals("LC_ALL=C; export LC_ALL; exec timeout -s KILL 1.500 'sleep' '5'",
                RemoteCommandLine.forRun(command));
    }

    @Test
    void shouldStartACommandWithoutADeadline() {
        assertEquals("LC_ALL=C; export LC_ALL; exec 'socat' '-' 'UNIX-CONNECT:/run/q m.sock'",
                RemoteCommandLine.forStart(Command.of("socat", "-", "UNIX-CONNECT:/run/q m.sock")));
    }

    @Test
    void shouldRefuseANulCharacter() {
        assertThrows(IllegalArgumentException.class, () -> RemoteCommandLine.quote(List.of("a\0b")));
    }
}
