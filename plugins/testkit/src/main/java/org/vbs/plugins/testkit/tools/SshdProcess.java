package org.vbs.plugins.testkit.tools;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * A real OpenSSH server (Debian's {@code /usr/sbin/sshd}) started by a test as its own child process
 * inside a {@link NetworkNamespace} ({@code ip netns exec <ns> /usr/sbin/sshd -D -e -f <config>}),
 * listening on the namespace's address and a port of its own, with the host key and the
 * authorized_keys the test gives it. The test connects from the root namespace over the veth, as the
 * service reaches a volume server. Logins run as the test's user (root here), so commands run on
 * this machine and show in its {@code /proc}.
 *
 * <p>Configuration worth knowing: public-key authentication only; {@code UsePAM no};
 * {@code StrictModes no} because the test's files live under /tmp (mode 1777), which StrictModes
 * refuses; {@code PidFile none}; the default {@code MaxSessions} (10). sshd needs its privilege
 * separation directory {@code /run/sshd}, which is made if missing (and left, as it is shared).
 *
 * <p>{@link #close()} kills the server's per-connection processes and the listener by their own PIDs
 * and waits for them; the configuration and log stay in the test's directory.
 */
public final class SshdProcess implements AutoCloseable {
    private static final Duration READY = Duration.ofSeconds(15);
    private static final Path SSHD = Path.of("/usr/sbin/sshd");

    private final Process process;
    private final String address;
    private final int port;
    private final List<SshKey> hostKeys;
    private final Path log;

    private SshdProcess(Process process, String address, int port, List<SshKey> hostKeys, Path log) {
        this.process = process;
        this.address = address;
        this.port = port;
        this.hostKeys = List.copyOf(hostKeys);
        this.log = log;
    }

    /** Starts sshd in {@code ns} on a random high port (everything is free in a fresh namespace). */
    public static SshdProcess start(NetworkNamespace ns, Path workDir, SshKey hostKey, List<SshKey> authorized)
            throws IOException {
        return start(ns, workDir, List.of(hostKey), authorized, ThreadLocalRandom.current().nextInt(20_000, 60_000));
    }

    /**
     * Starts sshd in {@code ns} on {@code port}, e.g. again after {@link #close()} with another host key.
     *
     * @param workDir where the configuration, authorized_keys and log go
     * @param hostKeys the server's host keys (one per type); the client picks one in the key exchange
     */
    public static SshdProcess start(NetworkNamespace ns, Path workDir, List<SshKey> hostKeys, List<SshKey> authorized,
                                    int port) throws IOException {
        Files.createDirectories(Path.of("/run/sshd"));
        String tag = "sshd-" + port + "-" + Long.toHexString(System.nanoTime());
        Path authorizedKeys = workDir.resolve(tag + ".authorized_keys");
        StringBuilder keys = new StringBuilder();
        for (SshKey key : authorized) {
            keys.append(key.publicKeyText()).append('\n');
        }
        Files.writeString(authorizedKeys, keys, StandardCharsets.US_ASCII);
        Files.setPosixFilePermissions(authorizedKeys, PosixFilePermissions.fromString("rw-------"));
        Path config = workDir.resolve(tag + ".config");
        List<String> lines = new ArrayList<>(List.of("Port " + port, "ListenAddress " + ns.innerAddress()));
        for (SshKey hostKey : hostKeys) {
            lines.add("HostKey " + hostKey.privateKey());
        }
        lines.addAll(List.of(
                "PidFile none",
                "AuthorizedKeysFile " + authorizedKeys,
                "PubkeyAuthentication yes",
                "PasswordAuthentication no",
                "KbdInteractiveAuthentication no",
                "PermitRootLogin prohibit-password",
                "UsePAM no",
                "StrictModes no",
                "UseDNS no",
                "PrintMotd no",
                "PrintLastLog no",
                // sshd runs each command through the account's shell, and Debian's bash sources ~/.bashrc
                // when sshd starts it at shell level 1. The test account's ~/.bashrc is the machine's, not
                // ours: on these machines it runs pyenv, whose rehash waits 60 s for a lock a killed shell
                // left behind, so every command took a minute (NamespaceHostsIT, SshHostShellTest). At
                // level 2 bash reads no startup file.
                "SetEnv SHLVL=1",
                "LogLevel VERBOSE",
                ""));
        Files.writeString(config, String.join("\n", lines), StandardCharsets.US_ASCII);
        Path log = workDir.resolve(tag + ".log");
        List<String> argv = new ArrayList<>(ns.execPrefix());
        argv.addAll(List.of(SSHD.toString(), "-D", "-e", "-f", config.toString()));
        Process process = new ProcessBuilder(argv).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        SshdProcess sshd = new SshdProcess(process, ns.innerAddress(), port, hostKeys, log);
        try {
            sshd.awaitReady();
        } catch (IOException | RuntimeException e) {
            sshd.close();
            throw e;
        }
        return sshd;
    }

    public String address() {
        return address;
    }

    public int port() {
        return port;
    }

    /** The known_hosts line an operator would write for this server's first host key. */
    public String knownHostsLine() throws IOException {
        return knownHostsLine(hostKeys.get(0));
    }

    /** The known_hosts line of {@code hostKey} for this server: {@code [address]:port <type> <key>}. */
    public String knownHostsLine(SshKey hostKey) throws IOException {
        return "[" + address + "]:" + port + " " + hostKey.publicKeyText();
    }

    /** What sshd logged so far (for failure messages). */
    public String log() throws IOException {
        return Files.readString(log, StandardCharsets.UTF_8);
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** The listener's PID. */
    public long pid() {
        return process.pid();
    }

    @Override
    public void close() throws IOException {
        // The per-connection sshd processes (and the sessions' programs) are the listener's descendants.
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                if (!process.waitFor(10, TimeUnit.SECONDS)) {
                    throw new IOException("sshd (pid " + process.pid() + ") did not stop");
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
            throw new IOException("interrupted while stopping sshd (pid " + process.pid() + ")", e);
        }
    }

    private void awaitReady() throws IOException {
        Instant deadline = Instant.now().plus(READY);
        while (Instant.now().isBefore(deadline)) {
            if (!process.isAlive()) {
                throw new IOException("sshd exited at start (" + process.exitValue() + "): " + log());
            }
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress(address, port), 500);
                return;
            } catch (IOException notYet) {
                ExecResult.pause(Duration.ofMillis(50));
            }
        }
        throw new IOException("sshd did not listen on " + address + ":" + port + " within " + READY + ": " + log());
    }
}
