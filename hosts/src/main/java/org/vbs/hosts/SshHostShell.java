package org.vbs.hosts;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.attribute.PosixFilePermission;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.PublicKey;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.sshd.client.SshClient;
import org.apache.sshd.client.auth.password.PasswordIdentityProvider;
import org.apache.sshd.client.auth.pubkey.UserAuthPublicKeyFactory;
import org.apache.sshd.client.channel.ChannelExec;
import org.apache.sshd.client.channel.ClientChannelEvent;
import org.apache.sshd.client.config.hosts.HostConfigEntryResolver;
import org.apache.sshd.client.future.AuthFuture;
import org.apache.sshd.client.future.ConnectFuture;
import org.apache.sshd.client.future.OpenFuture;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.NamedFactory;
import org.apache.sshd.common.NamedResource;
import org.apache.sshd.common.channel.exception.SshChannelOpenException;
import org.apache.sshd.common.config.keys.FilePasswordProvider;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.keyprovider.KeyIdentityProvider;
import org.apache.sshd.common.signature.Signature;
import org.apache.sshd.common.util.security.SecurityUtils;
import org.apache.sshd.core.CoreModuleProperties;
import org.vbs.plugins.spi.Command;
import org.vbs.plugins.spi.CommandResult;
import org.vbs.plugins.spi.DriverException;
import org.vbs.plugins.spi.HostProcess;
import org.vbs.plugins.spi.HostShell;

/**
 * Runs commands on a remote host over SSH (Apache MINA SSHD), for volume servers and hypervisor
 * hosts the service does not run on.
 *
 * <h2>What it guarantees</h2>
 * <ul>
 * <li>Public-key authentication only (no password, no keyboard-interactive), with one unencrypted
 *     key file (OpenSSH or PEM; ed25519 through Bouncy Castle, ECDSA, RSA).</li>
 * <li>The server's host key must be one the operator pinned in a known_hosts file; an unknown, changed
 *     or revoked key is refused with a {@link DriverException.Code#CONFIGURATION} fault naming the host
 *     and the fingerprint it offered. Nothing is ever accepted silently and nothing is written back to
 *     the file.</li>
 * <li>argv only: every element reaches the remote program verbatim (see {@link RemoteCommandLine});
 *     stdin bytes (where secrets go) travel inside the encrypted channel and never appear in a
 *     command line.</li>
 * <li>A command that outlives its timeout fails with {@code IO_ERROR}; its channel is closed and the
 *     program (with its process group) is killed on the remote side by coreutils {@code timeout},
 *     which the remote host must have (every GNU/Linux has it).</li>
 * <li>One SSH connection, opened at the first call and shared by all calls and threads; it is opened
 *     again when it dropped. At most {@value #MAX_CHANNELS} commands run on it at once (OpenSSH's
 *     {@code MaxSessions} is 10); more callers wait for a free channel within their timeout.</li>
 * <li>Faults: {@code CONFIGURATION} for what an operator must fix (host key not pinned or changed,
 *     key refused, unreadable key or known_hosts file); {@code IO_ERROR} for what may pass on a retry
 *     (unreachable host, no answer within the connect timeout, lost connection, command timeout).</li>
 * </ul>
 *
 * <h2>Pinning a host key (operators)</h2>
 * On the host itself (or from its console), print its key's fingerprint:
 * {@code ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub}. From the service node, fetch the key with
 * {@code ssh-keyscan -t ed25519 -p PORT ADDRESS >> known_hosts} (port 22: no {@code -p}); compare
 * {@code ssh-keygen -lf known_hosts} with the fingerprint seen on the host before trusting the line.
 * The line's host field is the address (or the registered host name) and, for a port other than 22,
 * {@code [address]:port}; lines may be hashed ({@code ssh-keygen -H}). When a host is reinstalled, the
 * service refuses it until its old line is replaced ({@code ssh-keygen -R '[address]:port' -f known_hosts}).
 * The file is read at every (re)connection. The account's {@code authorized_keys} on the host lists
 * the service's public key; its login shell must be a POSIX shell.
 *
 * <h2>What it cannot promise</h2>
 * {@link #start} runs the program without a remote deadline: {@link HostProcess#close()} closes its
 * stdin and the channel, and a program that does not end at the end of its input (as {@code socat}
 * and {@code cat} do) keeps running, because sshd sends no signal to a session's processes when the
 * channel closes.
 */
public final class SshHostShell implements HostShell, AutoCloseable {
    /** Concurrent channels on the one connection: below OpenSSH's default {@code MaxSessions} of 10. */
    public static final int MAX_CHANNELS = 8;
    /** How long a command waits before asking again for a channel sshd refused (within its timeout). */
    private static final long REOPEN_PAUSE_MILLIS = 20;

    private final SshTarget target;
    private final KeyPair identity;
    private final SshClient client;
    private final Semaphore channels = new Semaphore(MAX_CHANNELS, true);
    private final Object connectLock = new Object();
    /** The host key check of the connection being opened; read by the client's key verifier. */
    private final AtomicReference<HostKeyCheck> hostKeyCheck = new AtomicReference<>();
    private volatile ClientSession session;

    /**
     * Reads the private key and prepares the client; connects at the first command.
     *
     * @throws DriverException {@code CONFIGURATION} when the private key cannot be read or is
     *         readable by group or others
     */
    public SshHostShell(SshTarget target) throws DriverException {
        this.target = target;
        this.identity = PrivateKeys.read(target);
        this.client = newClient();
        client.start();
    }

    @Override
    public String host() {
        return target.host();
    }

    /** Where this shell connects to. */
    public SshTarget target() {
        return target;
    }

    @Override
    public CommandResult run(Command command) throws DriverException {
        long deadline = System.nanoTime() + command.timeout().toNanos();
        String line = commandLine(command, true);
        acquireChannel(command, deadline);
        ByteArrayOutputStream stdout = new ByteArrayOutputStream();
        ByteArrayOutputStream stderr = new ByteArrayOutputStream();
        ChannelExec channel = null;
        try {
            channel = open(command, line, deadline, stdout, stderr);
            feed(channel, command);
            Set<ClientChannelEvent> events = channel.waitFor(EnumSet.of(ClientChannelEvent.CLOSED),
                    Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
            if (!events.contains(ClientChannelEvent.CLOSED)) {
                throw timedOut(command);
            }
            return result(command, channel, stdout, stderr);
        } finally {
            if (channel != null) {
                channel.close(true);
            }
            channels.release();
        }
    }

    @Override
    public HostProcess start(Command command) throws DriverException {
        long deadline = System.nanoTime() + command.timeout().toNanos();
        String line = commandLine(command, false);
        acquireChannel(command, deadline);
        try {
            // stderr is not part of a HostProcess: it is discarded so it can never stall stdout (one window).
            ChannelExec channel = open(command, line, deadline, null, OutputStream.nullOutputStream());
            return new SshProcess(channel, channels::release);
        } catch (DriverException | RuntimeException e) {
            channels.release();
            throw e;
        }
    }

    /** Closes the connection and stops the client's threads. */
    @Override
    public void close() {
        synchronized (connectLock) {
            ClientSession current = session;
            session = null;
            if (current != null) {
                current.close(true);
            }
        }
        client.stop();
    }

    @Override
    public String toString() {
        return "SshHostShell[" + target.host() + " " + target.user() + "@" + target.endpoint() + "]";
    }

    // ------------------------------------------------------------------ client and connection

    private SshClient newClient() {
        SshClient sshClient = SshClient.setUpDefaultClient();
        // Nothing from the service account's ~/.ssh: no config file, no default keys, no passwords.
        sshClient.setHostConfigEntryResolver(HostConfigEntryResolver.EMPTY);
        sshClient.setKeyIdentityProvider(KeyIdentityProvider.EMPTY_KEYS_PROVIDER);
        sshClient.setPasswordIdentityProvider(PasswordIdentityProvider.EMPTY_PASSWORDS_PROVIDER);
        sshClient.setFilePasswordProvider(FilePasswordProvider.EMPTY);
        sshClient.setUserAuthFactories(List.of(UserAuthPublicKeyFactory.INSTANCE));
        sshClient.setServerKeyVerifier((clientSession, remoteAddress, serverKey) -> {
            HostKeyCheck check = hostKeyCheck.get();
            return check != null && check.accept(serverKey);
        });
        // Only a backstop: connect() waits for the handshake itself, within the connect timeout. Were both
        // equal, MINA's timer could close the session first and the caller would read "Session is being
        // closed" instead of the timeout.
        CoreModuleProperties.AUTH_TIMEOUT.set(sshClient, target.connectTimeout().plusSeconds(30));
        // Commands are many small request/response exchanges: with Nagle's algorithm each one waited for
        // delayed ACKs (measured here: ~170 ms per command on a warm connection, see the report).
        CoreModuleProperties.TCP_NODELAY.set(sshClient, true);
        // Notice a host that vanished (no TCP reset) within about a minute, as ServerAliveInterval does.
        CoreModuleProperties.HEARTBEAT_INTERVAL.set(sshClient, Duration.ofSeconds(20));
        CoreModuleProperties.HEARTBEAT_NO_REPLY_MAX.set(sshClient, 3);
        return sshClient;
    }

    /** The open connection, opened (again) if there is none or it dropped. */
    private ClientSession session() throws DriverException {
        ClientSession current = session;
        if (current != null && current.isOpen() && !current.isClosing()) {
            return current;
        }
        synchronized (connectLock) {
            current = session;
            if (current != null && current.isOpen() && !current.isClosing()) {
                return current;
            }
            if (current != null) {
                current.close(true);
                session = null;
            }
            session = connect();
            return session;
        }
    }

    /** Forgets {@code dropped} if it is still the current connection. */
    private void forget(ClientSession dropped) {
        synchronized (connectLock) {
            if (session == dropped) {
                session = null;
            }
        }
        dropped.close(true);
    }

    private ClientSession connect() throws DriverException {
        HostKeyCheck check = new HostKeyCheck(PinnedHostKeys.read(target));
        client.setSignatureFactories(preferring(check.pins.algorithms(), client.getSignatureFactories()));
        hostKeyCheck.set(check);
        long timeoutMillis = target.connectTimeout().toMillis();
        long deadline = System.nanoTime() + target.connectTimeout().toNanos();
        ClientSession opened = null;
        try {
            ConnectFuture connecting = client.connect(target.user(), target.address(), target.port());
            if (!connecting.await(remainingMillis(deadline))) {
                connecting.cancel();
                throw new DriverException(DriverException.Code.IO_ERROR, "host " + target.host() + " ("
                        + target.endpoint() + ") did not accept a connection within " + timeoutMillis + " ms");
            }
            if (!connecting.isConnected()) {
                throw new DriverException(DriverException.Code.IO_ERROR, "cannot connect to host " + target.host()
                        + " (" + target.endpoint() + "): " + describe(connecting.getException()),
                        connecting.getException());
            }
            opened = connecting.getSession();
            opened.addPublicKeyIdentity(identity);
            AuthFuture auth = opened.auth();
            if (!auth.await(remainingMillis(deadline))) {
                throw new DriverException(DriverException.Code.IO_ERROR, "host " + target.host() + " ("
                        + target.endpoint() + ") did not complete the SSH handshake within " + timeoutMillis + " ms");
            }
            if (!auth.isSuccess()) {
                throw authFailure(check, auth.getException());
            }
            ClientSession ready = opened;
            opened = null;
            return ready;
        } catch (IOException e) {
            Optional<String> refusal = check.refusal();
            if (refusal.isPresent()) {
                throw new DriverException(DriverException.Code.CONFIGURATION, refusal.get(), e);
            }
            throw new DriverException(DriverException.Code.IO_ERROR, "cannot connect to host " + target.host() + " ("
                    + target.endpoint() + "): " + describe(e), e);
        } finally {
            if (opened != null) {
                opened.close(true);
            }
        }
    }

    private static long remainingMillis(long deadline) {
        return Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime()));
    }

    private DriverException authFailure(HostKeyCheck check, Throwable cause) {
        Optional<String> refusal = check.refusal();
        if (refusal.isPresent()) {
            return new DriverException(DriverException.Code.CONFIGURATION, refusal.get(), cause);
        }
        if (check.accepted() && cause != null && String.valueOf(cause.getMessage()).contains("No more authentication")) {
            return new DriverException(DriverException.Code.CONFIGURATION, "host " + target.host() + " ("
                    + target.endpoint() + ") refused user " + target.user() + " with the "
                    + KeyUtils.getKeyType(identity) + " key " + KeyUtils.getFingerPrint(identity.getPublic())
                    + " from " + target.privateKey() + ": is the public key in the account's authorized_keys?",
                    cause);
        }
        return new DriverException(DriverException.Code.IO_ERROR, "cannot log in to host " + target.host() + " ("
                + target.endpoint() + "): " + describe(cause), cause);
    }

    /** The client's signature algorithms with the pinned key types first (otherwise in their order). */
    private static List<NamedFactory<Signature>> preferring(Set<String> algorithms,
                                                           List<NamedFactory<Signature>> current) {
        List<NamedFactory<Signature>> ordered = new ArrayList<>();
        for (String name : algorithms) {
            current.stream().filter(f -> f.getName().equals(name)).forEach(ordered::add);
        }
        current.stream().filter(f -> !ordered.contains(f)).forEach(ordered::add);
        return ordered;
    }

    // ------------------------------------------------------------------ channels

    private String commandLine(Command command, boolean toItsEnd) throws DriverException {
        try {
            return toItsEnd ? RemoteCommandLine.forRun(command) : RemoteCommandLine.forStart(command);
        } catch (IllegalArgumentException e) {
            throw new DriverException(DriverException.Code.IO_ERROR, "on host " + target.host() + ", cannot run '"
                    + command + "': " + e.getMessage(), e);
        }
    }

    private void acquireChannel(Command command, long deadline) throws DriverException {
        try {
            if (!channels.tryAcquire(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
                throw new DriverException(DriverException.Code.IO_ERROR, "on host " + target.host() + ", '" + command
                        + "' found no free SSH channel within " + command.timeout().toMillis() + " ms ("
                        + MAX_CHANNELS + " commands were running)");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DriverException(DriverException.Code.IO_ERROR, "on host " + target.host()
                    + ", interrupted while '" + command + "' waited for a channel", e);
        }
    }

    /**
     * Opens an exec channel on the connection; when the connection turns out to have dropped (the
     * command did not start), opens a new connection and tries once more; when sshd refuses the
     * channel (nothing started), asks again until the command's deadline.
     *
     * @param stdout where stdout goes, or {@code null} to read it from {@link ChannelExec#getInvertedOut()}
     */
    private ChannelExec open(Command command, String line, long deadline, OutputStream stdout, OutputStream stderr)
            throws DriverException {
        boolean reconnected = false;
        while (true) {
            ClientSession current = session();
            ChannelExec channel = null;
            try {
                channel = current.createExecChannel(line);
                if (stdout != null) {
                    channel.setOut(stdout);
                }
                channel.setErr(stderr);
                OpenFuture opening = channel.open();
                long waitMillis = Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime()));
                if (!opening.await(waitMillis)) {
                    channel.close(true);
                    throw timedOut(command);
                }
                if (!opening.isOpened()) {
                    Throwable failure = opening.getException();
                    throw failure instanceof IOException io ? io : new IOException(describe(failure), failure);
                }
                return channel;
            } catch (IOException | RuntimeException e) {
                if (channel != null) {
                    channel.close(true);
                }
                if (e instanceof SshChannelOpenException && System.nanoTime() < deadline) {
                    // sshd refused the channel: nothing ran. Its session slots (MaxSessions) free only as it
                    // handles the closes of channels that just ended, which may reach it after this open.
                    pauseBeforeReopening(command);
                    continue;
                }
                boolean dropped = !current.isOpen() || current.isClosing();
                if (dropped) {
                    forget(current);
                }
                if (dropped && !reconnected) {
                    reconnected = true;
                    continue;
                }
                throw new DriverException(DriverException.Code.IO_ERROR, "on host " + target.host() + ", cannot start '"
                        + command + "': " + describe(e) + (dropped ? " (the connection dropped twice)" : ""), e);
            }
        }
    }

    private void pauseBeforeReopening(Command command) throws DriverException {
        try {
            Thread.sleep(REOPEN_PAUSE_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DriverException(DriverException.Code.IO_ERROR, "on host " + target.host()
                    + ", interrupted while '" + command + "' waited to open a channel again", e);
        }
    }

    /**
     * Writes the command's stdin, then EOF. The bytes are written on a thread of their own, so a
     * program that does not read its input cannot hold the caller past its timeout.
     */
    private void feed(ChannelExec channel, Command command) {
        OutputStream stdin = channel.getInvertedIn();
        if (command.stdin().isEmpty()) {
            closeQuietly(stdin);
            return;
        }
        byte[] input = command.stdin().get();
        Thread writer = new Thread(() -> {
            try (stdin) {
                stdin.write(input);
            } catch (IOException e) {
                // The program ended (or was killed) before it read everything: its exit code tells what happened.
                return;
            }
        }, "vbs-ssh-stdin-" + target.host());
        writer.setDaemon(true);
        writer.start();
    }

    private static void closeQuietly(OutputStream stdin) {
        try {
            stdin.close();
        } catch (IOException e) {
            // The channel is already closing: the program has ended, and its exit status says how.
            return;
        }
    }

    private CommandResult result(Command command, ChannelExec channel, ByteArrayOutputStream stdout,
                                 ByteArrayOutputStream stderr) throws DriverException {
        String err = stderr.toString(StandardCharsets.UTF_8);
        Integer status = channel.getExitStatus();
        String signal = channel.getExitSignal();
        int exitCode;
        if (status != null) {
            exitCode = status;
        } else if (signal != null) {
            exitCode = 128 + signalNumber(signal);
        } else {
            throw new DriverException(DriverException.Code.IO_ERROR, "on host " + target.host() + ", the connection"
                    + " ended while '" + command + "' ran; whether it completed is unknown");
        }
        if ((exitCode == 127 || exitCode == 126) && err.startsWith(RemoteCommandLine.CANNOT_RUN_PREFIX)) {
            throw new DriverException(DriverException.Code.IO_ERROR, "on host " + target.host() + ", cannot run '"
                    + command + "': " + err.strip());
        }
        return new CommandResult(exitCode, stdout.toString(StandardCharsets.UTF_8), err);
    }

    private DriverException timedOut(Command command) {
        return new DriverException(DriverException.Code.IO_ERROR, "on host " + target.host() + ", '" + command
                + "' did not end within " + command.timeout().toMillis() + " ms and was killed");
    }

    /** The numbers of the signals sshd names (RFC 4254 6.10); the shell's 128+N convention. */
    private static int signalNumber(String name) {
        switch (name) {
            case "HUP": return 1;
            case "INT": return 2;
            case "QUIT": return 3;
            case "ILL": return 4;
            case "ABRT": return 6;
            case "FPE": return 8;
            case "KILL": return 9;
            case "USR1": return 10;
            case "SEGV": return 11;
            case "USR2": return 12;
            case "PIPE": return 13;
            case "ALRM": return 14;
            case "TERM": return 15;
            default: return 0;
        }
    }

    private static String describe(Throwable e) {
        if (e == null) {
            return "no reason given";
        }
        String message = e.getMessage();
        return e.getClass().getSimpleName() + (message == null ? "" : ": " + message);
    }

    // ------------------------------------------------------------------ helpers

    /** The pinned keys of one connection attempt, and why the server's key was refused, if it was. */
    private static final class HostKeyCheck {
        private final PinnedHostKeys pins;
        private final AtomicReference<String> refusal = new AtomicReference<>();
        private final AtomicBoolean accepted = new AtomicBoolean();

        HostKeyCheck(PinnedHostKeys pins) {
            this.pins = pins;
        }

        boolean accept(PublicKey offered) {
            Optional<String> why = pins.refusal(offered);
            why.ifPresent(refusal::set);
            accepted.set(why.isEmpty());
            return why.isEmpty();
        }

        Optional<String> refusal() {
            return Optional.ofNullable(refusal.get());
        }

        boolean accepted() {
            return accepted.get();
        }
    }

    /** Reads the client's private key file. */
    private static final class PrivateKeys {
        private PrivateKeys() {
        }

        static KeyPair read(SshTarget target) throws DriverException {
            try {
                Set<PosixFilePermission> mode = Files.getPosixFilePermissions(target.privateKey());
                if (mode.stream().anyMatch(p -> p.name().startsWith("GROUP") || p.name().startsWith("OTHERS"))) {
                    throw new DriverException(DriverException.Code.CONFIGURATION, "host " + target.host()
                            + ": the private key file " + target.privateKey() + " is open to group or others ("
                            + java.nio.file.attribute.PosixFilePermissions.toString(mode) + "): chmod 600 it");
                }
                try (InputStream in = Files.newInputStream(target.privateKey())) {
                    Iterable<KeyPair> pairs = SecurityUtils.loadKeyPairIdentities(null,
                            NamedResource.ofName(target.privateKey().toString()), in, FilePasswordProvider.EMPTY);
                    Iterator<KeyPair> it = pairs == null ? null : pairs.iterator();
                    if (it == null || !it.hasNext()) {
                        throw new IOException("no key in the file");
                    }
                    return it.next();
                }
            } catch (IOException | GeneralSecurityException | RuntimeException e) {
                throw new DriverException(DriverException.Code.CONFIGURATION, "host " + target.host()
                        + ": cannot read the private key file " + target.privateKey()
                        + " (an unencrypted OpenSSH or PEM key is needed): " + describe(e), e);
            }
        }
    }
}
