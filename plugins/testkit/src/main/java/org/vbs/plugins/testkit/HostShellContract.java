package org.vbs.plugins.testkit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.vbs.plugins.spi.Command;
import org.vbs.plugins.spi.CommandResult;
import org.vbs.plugins.spi.DriverException;
import org.vbs.plugins.spi.HostProcess;
import org.vbs.plugins.spi.HostShell;

/**
 * The behaviour every {@link HostShell} owes the drivers, as one JUnit 5 suite: exit codes, stdout
 * and stderr kept apart, stdin delivered byte for byte (text, binary, large), argv elements reaching
 * the program verbatim however hostile, a timeout that fails the call and kills the program, a missing
 * program that fails clearly, live streams from {@link HostShell#start}, and many calls at once.
 *
 * <p>A shell's test extends this class and supplies {@link #newShell()}. The suite runs standard
 * tools ({@code printf}, {@code cat}, {@code od}, {@code sha256sum}, {@code sleep}, {@code dd},
 * {@code ls}) and looks for leftover processes in this machine's {@code /proc}: the shell under test
 * must run its programs on this machine (a shell over SSH reaches an sshd in a network namespace here,
 * which shares the process table).
 */
public abstract class HostShellContract {
    private static final Duration SHORT_TIMEOUT = Duration.ofSeconds(1);
    private static final Duration GONE_WITHIN = Duration.ofSeconds(20);

    private HostShell shell;

    /** A shell for the host under test; called before each test (closed after it if AutoCloseable). */
    protected abstract HostShell newShell() throws Exception;

    @BeforeEach
    final void openShell() throws Exception {
        shell = newShell();
    }

    @AfterEach
    final void closeShell() throws Exception {
        if (shell instanceof AutoCloseable closeable) {
            closeable.close();
        }
    }

    /** The shell of the current test. */
    protected final HostShell shell() {
        return shell;
    }

    // ---------------------------------------------------------------- exit codes and output

    @Test
    void shouldReportTheProgramsExitCode() throws Exception {
        assertEquals(0, shell.run(Command.of("true")).exitCode());
        assertEquals(1, shell.run(Command.of("false")).exitCode());
        assertEquals(2, shell.run(Command.of("ls", "-d", "/nonexistent-" + unique())).exitCode());
        // env exists; what it is told to run does not: the exit code is env's own 127, not a failure of the shell.
        assertEquals(127, shell.run(Command.of("env", "vbs-no-such-program-" + unique())).exitCode());
    }

    @Test
    void shouldKeepStdoutAndStderrApart() throws Exception {
        String missing = "/nonexistent-" + unique();

        CommandResult result = shell.run(Command.of("ls", "-d", "/", missing));

        assertEquals(2, result.exitCode());
        assertEquals("/\n", result.stdout());
        assertTrue(result.stderr().contains(missing), "stderr names the missing file: " + result.stderr());
        assertFalse(result.stdout().contains(missing), "stdout has no error text: " + result.stdout());
    }

    @Test
    void shouldRefuseNonZeroExitsOnlyWhenAsked() throws Exception {
        Command failing = Command.of("ls", "-d", "/nonexistent-" + unique());

        CommandResult result = shell.run(failing);

        assertFalse(result.succeeded());
        DriverException e = assertThrows(DriverException.class, () -> result.requireSuccess(shell.host(), failing));
        assertEquals(DriverException.Code.IO_ERROR, e.code());
        assertTrue(e.getMessage().contains(shell.host()), e.getMessage());
    }

    @Test
    void shouldReportAProgramEndedByASignalAs128PlusItsNumber() throws Exception {
        String marker = "60." + unique();
        CompletableFuture<CommandResult> running = CompletableFuture.supplyAsync(() -> {
            try {
                return shell.run(Command.of("sleep", marker).withTimeout(Duration.ofSeconds(60)));
            } catch (DriverException e) {
                throw new IllegalStateException(e);
            }
        });
        awaitTrue(() -> !programsWithArgument("sleep", marker).isEmpty(), () -> "sleep " + marker + " did not start");

        programsWithArgument("sleep", marker).forEach(pid -> ProcessHandle.of(pid).ifPresent(ProcessHandle::destroy));

        assertEquals(128 + 15, running.get(60, TimeUnit.SECONDS).exitCode(), "SIGTERM is 15");
    }

    // ---------------------------------------------------------------- stdin

    @Test
    void shouldDeliverStdinText() throws Exception {
        String text = "first line\nsecond line with 'quotes' and $(no expansion)\n";

        CommandResult result = shell.run(Command.of("cat").withStdin(text.getBytes(StandardCharsets.UTF_8)));

        assertEquals(0, result.exitCode());
        assertEquals(text, result.stdout());
    }

    @Test
    void shouldDeliverBinaryStdinByteForByte() throws Exception {
        byte[] input = new byte[1024];
        for (int i = 0; i < input.length; i++) {
            input[i] = (byte) i; // every byte value, NUL, CR, LF, ^D and 0xff included
        }

        CommandResult result = shell.run(Command.of("od", "-An", "-v", "-tx1").withStdin(input));

        assertEquals(0, result.exitCode(), result.stderr());
        assertArrayEquals(input, HexFormat.of().parseHex(result.stdout().replaceAll("\\s+", "")));
    }

    @Test
    void shouldDeliverALargeStdin() throws Exception {
        byte[] input = new byte[4 << 20];
        new Random(42).nextBytes(input);
        String expected = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(input));

        CommandResult result = shell.run(Command.of("sha256sum").withStdin(input).withTimeout(Duration.ofSeconds(60)));

        assertEquals(0, result.exitCode(), result.stderr());
        assertEquals(expected + "  -\n", result.stdout());
    }

    @Test
    void shouldCloseStdinAtOnceWhenThereIsNone() throws Exception {
        // cat would wait for input forever (and hit the timeout) if stdin were left open.
        CommandResult result = shell.run(Command.of("cat").withTimeout(Duration.ofSeconds(20)));

        assertEquals(0, result.exitCode());
        assertEquals("", result.stdout());
    }

    // ---------------------------------------------------------------- argv

    @Test
    void shouldPassHostileArgumentsVerbatim() throws Exception {
        Path canary = Path.of("/tmp", "vbs-canary-" + unique());
        List<String> hostile = List.of(
                "$(touch " + canary + ")", "`touch " + canary + "`", "; touch " + canary, "&& touch " + canary,
                "| touch " + canary, "> " + canary, "< /etc/passwd", "'", "\"", "'\\''", "'; touch " + canary + "; '",
                "\\", "\\'", "a b  c", " leading", "trailing ", "\t", "\n", "line1\nline2", "", "*", "/*", "?",
                "[a-z]*", "{a,b}", "~", "~root", "$HOME", "${PATH}", "$$", "$0", "!", "!!", "#comment", "-n", "--",
                "%s", "%%", "\u00e9t\u00e9 \u65e5\u672c", "\u0007\u001b[31m", "x=y", "a;b&c|d");
        List<String> argv = new ArrayList<>(List.of("printf", "%s\\n"));
        argv.addAll(hostile);

        CommandResult result = shell.run(Command.of(argv));

        boolean reachedAShell = Files.deleteIfExists(canary);
        assertFalse(reachedAShell, "an element reached a shell: it made " + canary);
        assertEquals(0, result.exitCode(), result.stderr());
        StringBuilder expected = new StringBuilder();
        hostile.forEach(element -> expected.append(element).append('\n'));
        assertEquals(expected.toString(), result.stdout());
    }

    @Test
    void shouldRunProgramsInTheCLocale() throws Exception {
        // Drivers match tools' messages: they must read the same on every host.
        CommandResult result = shell.run(Command.of("printenv", "LC_ALL"));

        assertEquals("C\n", result.stdout());
    }

    @Test
    void shouldRunAProgramNamedByAbsolutePath() throws Exception {
        CommandResult result = shell.run(Command.of("/bin/echo", "by path"));

        assertEquals(0, result.exitCode());
        assertEquals("by path\n", result.stdout());
    }

    // ---------------------------------------------------------------- failures

    @Test
    void shouldKillACommandThatOutlivesItsTimeoutAndFail() throws Exception {
        String marker = "300." + unique(); // sleep takes fractions: the duration marks this one process
        Command command = Command.of("sleep", marker).withTimeout(SHORT_TIMEOUT);

        DriverException e = assertDriverException(DriverException.Code.IO_ERROR, () -> shell.run(command));

        assertMentions(e, shell.host(), "sleep", String.valueOf(SHORT_TIMEOUT.toMillis()));
        awaitTrue(() -> processesWithArgument(marker).isEmpty(),
                () -> "the timed-out program is still running: " + processesWithArgument(marker));
    }

    @Test
    void shouldRefuseAnArgumentWithANulCharacter() {
        // No exec interface can carry it: it would silently cut the argument short.
        DriverException e = assertDriverException(DriverException.Code.IO_ERROR,
                () -> shell.run(Command.of("printf", "%s", "cut\0short")));

        assertMentions(e, shell.host());
    }

    @Test
    void shouldFailClearlyForAMissingProgram() throws Exception {
        String program = "vbs-no-such-program-" + unique();

        DriverException e = assertDriverException(DriverException.Code.IO_ERROR,
                () -> shell.run(Command.of(program, "argument")));

        assertMentions(e, shell.host(), program);
    }

    // ---------------------------------------------------------------- start

    @Test
    void shouldStreamThroughAStartedProcessAndEndItOnClose() throws Exception {
        // dd copies what it reads at once (no block buffering); its count marks this one process.
        String marker = "count=" + (900_000_000L + ThreadLocalRandom.current().nextInt(99_999_999));
        HostProcess process = shell.start(Command.of("dd", "status=none", "bs=65536", marker));
        try {
            OutputStream stdin = process.stdin();
            BufferedReader stdout = new BufferedReader(new InputStreamReader(process.stdout(), StandardCharsets.UTF_8));

            stdin.write("ping\n".getBytes(StandardCharsets.UTF_8));
            stdin.flush();
            assertEquals("ping", stdout.readLine());
            stdin.write("{\"execute\": \"qmp_capabilities\"}\n".getBytes(StandardCharsets.UTF_8));
            stdin.flush();
            assertEquals("{\"execute\": \"qmp_capabilities\"}", stdout.readLine());
            assertTrue(process.isAlive());
        } finally {
            process.close();
        }

        awaitTrue(() -> !process.isAlive(), () -> "the process is alive after close()");
        awaitTrue(() -> processesWithArgument(marker).isEmpty(),
                () -> "the started program is still running after close(): " + processesWithArgument(marker));
    }

    @Test
    void shouldSeeTheEndOfAStartedProgramsOutput() throws Exception {
        HostProcess process = shell.start(Command.of("printf", "%s\\n", "one", "two"));
        try {
            byte[] all = process.stdout().readAllBytes();

            assertEquals("one\ntwo\n", new String(all, StandardCharsets.UTF_8));
            awaitTrue(() -> !process.isAlive(), () -> "printf ended but the process is reported alive");
        } finally {
            process.close();
        }
    }

    // ---------------------------------------------------------------- concurrency

    @Test
    void shouldRunManyCommandsInParallel() throws Exception {
        int calls = 40;
        ExecutorService pool = Executors.newFixedThreadPool(16);
        try {
            List<Future<String>> results = new ArrayList<>();
            for (int i = 0; i < calls; i++) {
                String word = "call-" + i;
                results.add(pool.submit(() -> {
                    Command command = Integer.parseInt(word.substring(5)) % 2 == 0
                            ? Command.of("printf", "%s", word)
                            : Command.of("cat").withStdin(word.getBytes(StandardCharsets.UTF_8));
                    CommandResult result = shell.run(command.withTimeout(Duration.ofSeconds(60)));
                    assertEquals(0, result.exitCode(), result.stderr());
                    return result.stdout();
                }));
            }
            for (int i = 0; i < calls; i++) {
                assertEquals("call-" + i, results.get(i).get(120, TimeUnit.SECONDS));
            }
        } finally {
            pool.shutdownNow();
            assertTrue(pool.awaitTermination(60, TimeUnit.SECONDS), "parallel calls ended");
        }
    }

    // ---------------------------------------------------------------- helpers for subclasses

    /**
     * PIDs of the processes on this machine whose command line has {@code argument} as one of its
     * elements (read from {@code /proc/<pid>/cmdline}).
     */
    protected static Set<Long> processesWithArgument(String argument) {
        Set<Long> pids = new TreeSet<>();
        try (DirectoryStream<Path> procs = Files.newDirectoryStream(Path.of("/proc"), "[0-9]*")) {
            for (Path proc : procs) {
                byte[] cmdline;
                try {
                    cmdline = Files.readAllBytes(proc.resolve("cmdline"));
                } catch (IOException gone) {
                    continue; // the process ended while we looked
                }
                for (String element : new String(cmdline, StandardCharsets.UTF_8).split("\0")) {
                    if (element.equals(argument)) {
                        pids.add(Long.parseLong(proc.getFileName().toString()));
                    }
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot list /proc", e);
        }
        return pids;
    }

    /** PIDs of the processes running {@code program} (by its name in {@code /proc/<pid>/comm}) with {@code argument}. */
    protected static Set<Long> programsWithArgument(String program, String argument) {
        Set<Long> pids = new TreeSet<>();
        for (long pid : processesWithArgument(argument)) {
            try {
                if (Files.readString(Path.of("/proc", String.valueOf(pid), "comm")).strip().equals(program)) {
                    pids.add(pid);
                }
            } catch (IOException gone) {
                continue; // it ended while we looked
            }
        }
        return pids;
    }

    /** Polls {@code condition} until it holds, for at most 20 s; fails with {@code why} otherwise. */
    protected static void awaitTrue(BooleanSupplier condition, java.util.function.Supplier<String> why)
            throws InterruptedException {
        Instant deadline = Instant.now().plus(GONE_WITHIN);
        while (!condition.getAsBoolean()) {
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionError(why.get() + " (waited " + GONE_WITHIN + ")");
            }
            Thread.sleep(50);
        }
    }

    protected static DriverException assertDriverException(DriverException.Code code, Executable call) {
        DriverException e = assertThrows(DriverException.class, call);
        assertEquals(code, e.code(), () -> "code of: " + e.getMessage());
        return e;
    }

    protected static void assertMentions(Exception e, String... parts) {
        for (String part : parts) {
            assertTrue(e.getMessage().contains(part), "'" + part + "' in: " + e.getMessage());
        }
    }

    /** A random decimal string, to make names and markers unique. */
    protected static String unique() {
        return String.valueOf(100_000_000 + ThreadLocalRandom.current().nextInt(900_000_000));
    }
}
