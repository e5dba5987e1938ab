package org.vbs.hosts;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.vbs.plugins.spi.Command;
import org.vbs.plugins.spi.CommandResult;
import org.vbs.plugins.spi.DriverException;
import org.vbs.plugins.spi.HostProcess;
import org.vbs.plugins.spi.HostShell;

/**
 * Runs commands as child processes of the service, for the host the service runs on. argv arrays
 * only (a {@link ProcessBuilder}, never a shell); {@code LC_ALL=C} so messages read the same in logs
 * everywhere; a command that outlives its timeout is killed (with its descendants) and the call fails.
 */
public final class LocalHostShell implements HostShell {
    private final String host;

    /** @param host the name the host is registered under (for logs and faults) */
    public LocalHostShell(String host) {
        this.host = Objects.requireNonNull(host, "host");
    }

    @Override
    public String host() {
        return host;
    }

    @Override
    public CommandResult run(Command command) throws DriverException {
        Process process = start(command, "run");
        try {
            CompletableFuture<byte[]> stdout = drain(process.getInputStream());
            CompletableFuture<byte[]> stderr = drain(process.getErrorStream());
            feed(process, command);
            if (!process.waitFor(command.timeout().toMillis(), TimeUnit.MILLISECONDS)) {
                kill(process);
                throw new DriverException(DriverException.Code.IO_ERROR, "on host " + host + ", '" + command
                        + "' did not end within " + command.timeout().toMillis() + " ms and was killed");
            }
            return new CommandResult(process.exitValue(), text(stdout), text(stderr));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DriverException(DriverException.Code.IO_ERROR, "on host " + host + ", interrupted while '"
                    + command + "' ran", e);
        } finally {
            kill(process); // a no-op once it has exited; never leaves a child behind
        }
    }

    @Override
    public HostProcess start(Command command) throws DriverException {
        Process process = start(command, "start");
        return new HostProcess() {
            @Override
            public OutputStream stdin() {
                return process.getOutputStream();
            }

            @Override
            public InputStream stdout() {
                return process.getInputStream();
            }

            @Override
            public boolean isAlive() {
                return process.isAlive();
            }

            @Override
            public void close() {
                kill(process);
            }
        };
    }

    private Process start(Command command, String how) throws DriverException {
        ProcessBuilder builder = new ProcessBuilder(command.argv());
        builder.environment().put("LC_ALL", "C");
        try {
            return builder.start();
        } catch (IOException e) {
            throw new DriverException(DriverException.Code.IO_ERROR, "on host " + host + ", cannot " + how + " '"
                    + command + "': " + e.getMessage(), e);
        }
    }

    private void feed(Process process, Command command) throws DriverException {
        try (OutputStream stdin = process.getOutputStream()) {
            if (command.stdin().isPresent()) {
                byte[] input = command.stdin().get();
                stdin.write(input);
            }
        } catch (IOException e) {
            // A program that exits without reading its input closes the pipe: its exit code tells what happened.
            if (process.isAlive()) {
                throw new DriverException(DriverException.Code.IO_ERROR, "on host " + host + ", cannot write the"
                        + " input of '" + command + "': " + e.getMessage(), e);
            }
        }
    }

    /** Reads a pipe to its end on a thread of its own (a shared pool could starve and fill the pipe). */
    private static CompletableFuture<byte[]> drain(InputStream in) {
        CompletableFuture<byte[]> result = new CompletableFuture<>();
        Thread reader = new Thread(() -> {
            try (in) {
                result.complete(in.readAllBytes());
            } catch (IOException e) {
                result.completeExceptionally(new UncheckedIOException(e));
            }
        }, "vbs-local-shell-pipe");
        reader.setDaemon(true);
        reader.start();
        return result;
    }

    private String text(CompletableFuture<byte[]> output) throws InterruptedException, DriverException {
        try {
            byte[] bytes = output.get(5, TimeUnit.SECONDS);
            String text = new String(bytes, StandardCharsets.UTF_8);
            Arrays.fill(bytes, (byte) 0);
            return text;
        } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
            // A descendant kept the pipe open after the program exited.
            throw new DriverException(DriverException.Code.IO_ERROR, "on host " + host
                    + ", cannot read a command's output: " + e, e);
        }
    }

    private static void kill(Process process) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
    }
}
