package org.vbs.hosts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.vbs.plugins.spi.Command;
import org.vbs.plugins.spi.CommandResult;
import org.vbs.plugins.spi.DriverException;
import org.vbs.plugins.spi.HostProcess;
import org.vbs.plugins.spi.HostShell;
import org.vbs.plugins.testkit.HostShellContract;
import org.vbs.plugins.testkit.tools.ExecResult;
import org.vbs.plugins.testkit.tools.NetworkNamespace;
import org.vbs.plugins.testkit.tools.SshKey;
import org.vbs.plugins.testkit.tools.SshdProcess;

/**
 * The SSH shell passes the host shell contract against a real OpenSSH server in a network namespace
 * of the test's own, and refuses what it must: unknown, changed and revoked host keys, a client key the
 * server does not know, hosts that do not answer.
 */
class SshHostShellTest extends HostShellContract {
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);

    private static Path dir;
    private static NetworkNamespace ns;
    private static SshKey hostKey;
    private static SshKey otherHostKey;
    private static SshKey clientKey;
    private static SshKey rsaPemClientKey;
    private static SshKey ecdsaClientKey;
    private static SshKey unknownClientKey;
    private static SshKey rsaHostKey;
    private static SshdProcess sshd;
    private static Path knownHosts;

    @BeforeAll
    static void startServer() throws IOException {
        dir = Files.createTempDirectory("vbs-ssh-test");
        hostKey = SshKey.ed25519(dir, "host_ed25519");
        otherHostKey = SshKey.ed25519(dir, "other_host_ed25519");
        clientKey = SshKey.ed25519(dir, "client_ed25519");
        rsaPemClientKey = SshKey.generate(dir, "client_rsa_pem", "rsa", 2048, SshKey.Format.PEM);
        ecdsaClientKey = SshKey.generate(dir, "client_ecdsa", "ecdsa", 256, SshKey.Format.OPENSSH);
        unknownClientKey = SshKey.ed25519(dir, "unknown_ed25519");
        rsaHostKey = SshKey.generate(dir, "host_rsa", "rsa", 2048, SshKey.Format.OPENSSH);
        ns = NetworkNamespace.create();
        sshd = SshdProcess.start(ns, dir, hostKey, List.of(clientKey, rsaPemClientKey, ecdsaClientKey));
        knownHosts = writeKnownHosts("known_hosts", sshd.knownHostsLine());
    }

    @AfterAll
    static void stopServer() throws IOException {
        try {
            if (sshd != null) {
                sshd.close();
            }
        } finally {
            try {
                if (ns != null) {
                    ns.close();
                }
            } finally {
                deleteTree(dir);
            }
        }
    }

    @Override
    protected HostShell newShell() throws DriverException {
        return new SshHostShell(target(sshd, clientKey, knownHosts));
    }

    // ---------------------------------------------------------------- host keys

    @Test
    void shouldRefuseAHostKeyThatIsNotPinned() throws Exception {
        Path otherHostsOnly = writeKnownHosts("known_hosts_other",
                "[" + ns.innerAddress() + "]:" + (sshd.port() + 1) + " " + hostKey.publicKeyText(),
                "vbs-elsewhere " + otherHostKey.publicKeyText());

        try (SshHostShell refused = new SshHostShell(target(sshd, clientKey, otherHostsOnly))) {
            DriverException e = assertDriverException(DriverException.Code.CONFIGURATION,
                    () -> refused.run(Command.of("true")));

            assertMentions(e, "vbs-test-host", sshd.address() + ":" + sshd.port(), hostKey.fingerprint(),
                    "pins no key");
        }
    }

    @Test
    void shouldRefuseAChangedHostKeyAndReconnectWhenTheServerComesBack() throws Exception {
        try (NetworkNamespace own = NetworkNamespace.create()) {
            SshdProcess server = SshdProcess.start(own, dir, hostKey, List.of(clientKey));
            int port = server.port();
            Path pinned = writeKnownHosts("known_hosts_changing", server.knownHostsLine());
            try (SshHostShell ssh = new SshHostShell(target(server, clientKey, pinned))) {
                assertEquals("before\n", ssh.run(Command.of("echo", "before")).stdout());

                server.close(); // drops the connection
                server = SshdProcess.start(own, dir, List.of(otherHostKey), List.of(clientKey), port);
                DriverException e = assertDriverException(DriverException.Code.CONFIGURATION,
                        () -> ssh.run(Command.of("echo", "impostor")));
                assertMentions(e, "vbs-test-host", otherHostKey.fingerprint(), hostKey.fingerprint(), "CHANGED");
                assertFalse(server.log().contains("impostor"), "nothing ran on the impostor");

                server.close();
                server = SshdProcess.start(own, dir, List.of(hostKey), List.of(clientKey), port);
                assertEquals("after\n", ssh.run(Command.of("echo", "after")).stdout());
            } finally {
                server.close();
            }
        }
    }

    @Test
    void shouldAskForThePinnedKeyOfAServerWithSeveral() throws Exception {
        try (NetworkNamespace own = NetworkNamespace.create()) {
            try (SshdProcess server = SshdProcess.start(own, dir, List.of(hostKey, rsaHostKey), List.of(clientKey),
                    sshd.port())) {
                // Only the RSA key is pinned: the client must ask for it, though it would prefer ed25519.
                Path rsaOnly = writeKnownHosts("known_hosts_rsa", server.knownHostsLine(rsaHostKey));

                try (SshHostShell ssh = new SshHostShell(target(server, clientKey, rsaOnly))) {
                    assertEquals("rsa host\n", ssh.run(Command.of("echo", "rsa host")).stdout());
                }
            }
        }
    }

    @Test
    void shouldFailClearlyWhenTheConnectionDropsWhileACommandRuns() throws Exception {
        try (NetworkNamespace own = NetworkNamespace.create()) {
            SshdProcess server = SshdProcess.start(own, dir, hostKey, List.of(clientKey));
            int port = server.port();
            Path pinned = writeKnownHosts("known_hosts_dropping", server.knownHostsLine());
            String marker = "60." + unique();
            try (SshHostShell ssh = new SshHostShell(target(server, clientKey, pinned))) {
                CompletableFuture<CommandResult> running = CompletableFuture.supplyAsync(() -> {
                    try {
                        return ssh.run(Command.of("sleep", marker).withTimeout(Duration.ofSeconds(60)));
                    } catch (DriverException e) {
                        throw new IllegalStateException(e);
                    }
                });
                awaitTrue(() -> !processesWithArgument(marker).isEmpty(), () -> "the remote sleep did not start");

                server.close(); // kills the connection's processes, the sleep included

                Throwable failure = assertThrows(Exception.class, () -> running.get(60, TimeUnit.SECONDS)).getCause();
                DriverException e = assertInstanceOf(DriverException.class, failure.getCause());
                assertEquals(DriverException.Code.IO_ERROR, e.code());
                assertMentions(e, "vbs-test-host", "sleep " + marker, "connection");

                server = SshdProcess.start(own, dir, List.of(hostKey), List.of(clientKey), port);
                assertEquals("again\n", ssh.run(Command.of("echo", "again")).stdout(), "reconnected");
            } finally {
                server.close();
            }
            awaitTrue(() -> processesWithArgument(marker).isEmpty(), () -> "the sleep outlived its connection");
        }
    }

    @Test
    void shouldRefuseAHostThatNoLongerOffersThePinnedKeyType() throws Exception {
        Path rsaOnly = writeKnownHosts("known_hosts_rsa_only", sshd.knownHostsLine(rsaHostKey));

        try (SshHostShell refused = new SshHostShell(target(sshd, clientKey, rsaOnly))) {
            DriverException e = assertDriverException(DriverException.Code.CONFIGURATION,
                    () -> refused.run(Command.of("true")));

            assertMentions(e, hostKey.fingerprint(), rsaHostKey.fingerprint(), "no longer offers");
        }
    }

    @Test
    void shouldRefuseARevokedHostKey() throws Exception {
        Path revoked = writeKnownHosts("known_hosts_revoked", sshd.knownHostsLine(),
                "@revoked [" + sshd.address() + "]:" + sshd.port() + " " + hostKey.publicKeyText());

        try (SshHostShell refused = new SshHostShell(target(sshd, clientKey, revoked))) {
            DriverException e = assertDriverException(DriverException.Code.CONFIGURATION,
                    () -> refused.run(Command.of("true")));

            assertMentions(e, hostKey.fingerprint(), "@revoked");
        }
    }

    @Test
    void shouldAcceptAHashedKnownHostsLine() throws Exception {
        Path hashed = writeKnownHosts("known_hosts_hashed", sshd.knownHostsLine());
        ExecResult hashing = ExecResult.of("ssh-keygen", "-H", "-f", hashed.toString());
        assertEquals(0, hashing.exitCode(), hashing.output());
        assertTrue(Files.readString(hashed).startsWith("|1|"), "hashed: " + Files.readString(hashed));

        try (SshHostShell ssh = new SshHostShell(target(sshd, clientKey, hashed))) {
            assertEquals(0, ssh.run(Command.of("true")).exitCode());
        }
    }

    @Test
    void shouldAcceptAKeyPinnedUnderTheRegisteredHostName() throws Exception {
        Path byName = writeKnownHosts("known_hosts_by_name",
                "[vbs-test-host]:" + sshd.port() + " " + hostKey.publicKeyText());

        try (SshHostShell ssh = new SshHostShell(target(sshd, clientKey, byName))) {
            assertEquals(0, ssh.run(Command.of("true")).exitCode());
        }
    }

    @Test
    void shouldRefuseAMissingKnownHostsFile() throws Exception {
        Path missing = dir.resolve("no_such_known_hosts");

        try (SshHostShell ssh = new SshHostShell(target(sshd, clientKey, missing))) {
            DriverException e = assertDriverException(DriverException.Code.CONFIGURATION,
                    () -> ssh.run(Command.of("true")));

            assertMentions(e, missing.toString());
        }
    }

    // ---------------------------------------------------------------- client keys

    @Test
    void shouldLogInWithAnRsaKeyInPemFormat() throws Exception {
        assertTrue(Files.readString(rsaPemClientKey.privateKey()).startsWith("-----BEGIN RSA PRIVATE KEY-----"));

        try (SshHostShell ssh = new SshHostShell(target(sshd, rsaPemClientKey, knownHosts))) {
            assertEquals("rsa\n", ssh.run(Command.of("echo", "rsa")).stdout());
        }
    }

    @Test
    void shouldLogInWithAnEcdsaKey() throws Exception {
        try (SshHostShell ssh = new SshHostShell(target(sshd, ecdsaClientKey, knownHosts))) {
            assertEquals("ecdsa\n", ssh.run(Command.of("echo", "ecdsa")).stdout());
        }
    }

    @Test
    void shouldReportAClientKeyTheServerRefuses() throws Exception {
        try (SshHostShell refused = new SshHostShell(target(sshd, unknownClientKey, knownHosts))) {
            DriverException e = assertDriverException(DriverException.Code.CONFIGURATION,
                    () -> refused.run(Command.of("true")));

            assertMentions(e, "vbs-test-host", "root", unknownClientKey.fingerprint(), "authorized_keys");
        }
    }

    @Test
    void shouldRefuseAnEncryptedPrivateKey() throws Exception {
        Path encrypted = dir.resolve("client_encrypted");
        ExecResult keygen = ExecResult.of("ssh-keygen", "-q", "-t", "ed25519", "-N", "a passphrase", "-f",
                encrypted.toString());
        assertEquals(0, keygen.exitCode(), keygen.output());
        SshTarget target = new SshTarget("vbs-test-host", sshd.address(), sshd.port(), "root", encrypted, knownHosts,
                CONNECT_TIMEOUT);

        DriverException e = assertDriverException(DriverException.Code.CONFIGURATION, () -> new SshHostShell(target));

        assertMentions(e, encrypted.toString(), "unencrypted");
    }

    @Test
    void shouldRefuseAPrivateKeyOthersCanRead() throws Exception {
        Path open = dir.resolve("client_open");
        Files.copy(clientKey.privateKey(), open);
        Files.setPosixFilePermissions(open, PosixFilePermissions.fromString("rw-r--r--"));
        SshTarget target = new SshTarget("vbs-test-host", sshd.address(), sshd.port(), "root", open, knownHosts,
                CONNECT_TIMEOUT);

        DriverException e = assertDriverException(DriverException.Code.CONFIGURATION, () -> new SshHostShell(target));

        assertMentions(e, open.toString(), "chmod 600");
    }

    // ---------------------------------------------------------------- reachability

    @Test
    void shouldFailWithinTheConnectTimeoutWhenTheHostDoesNotAnswer() throws Exception {
        SshTarget silent = new SshTarget("vbs-test-host", ns.silentAddress(), 22, "root", clientKey.privateKey(),
                knownHosts, Duration.ofSeconds(1));

        try (SshHostShell ssh = new SshHostShell(silent)) {
            // A guard against hanging, not a speed check: the connect timeout is 1 s.
            DriverException e = assertTimeoutPreemptively(Duration.ofSeconds(30), () -> assertDriverException(
                    DriverException.Code.IO_ERROR, () -> ssh.run(Command.of("true"))));

            assertMentions(e, "vbs-test-host", ns.silentAddress() + ":22");
        }
    }

    @Test
    void shouldFailWhenNothingListens() throws Exception {
        SshTarget closed = new SshTarget("vbs-test-host", ns.innerAddress(), sshd.port() + 1, "root",
                clientKey.privateKey(), knownHosts, CONNECT_TIMEOUT);

        try (SshHostShell ssh = new SshHostShell(closed)) {
            DriverException e = assertDriverException(DriverException.Code.IO_ERROR, () -> ssh.run(Command.of("true")));

            assertMentions(e, "vbs-test-host", ns.innerAddress() + ":" + (sshd.port() + 1));
        }
    }

    @Test
    void shouldFailWithinTheConnectTimeoutWhenTheServerNeverSpeaks() throws Exception {
        try (ServerSocket mute = new ServerSocket(0, 5, InetAddress.getLoopbackAddress())) {
            CompletableFuture<Socket> accepted = CompletableFuture.supplyAsync(() -> {
                try {
                    return mute.accept(); // and never say a word
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            });
            SshTarget target = new SshTarget("vbs-test-host", "127.0.0.1", mute.getLocalPort(), "root",
                    clientKey.privateKey(), knownHosts, Duration.ofSeconds(1));
            try (SshHostShell ssh = new SshHostShell(target)) {
                DriverException e = assertTimeoutPreemptively(Duration.ofSeconds(30), () -> assertDriverException(
                        DriverException.Code.IO_ERROR, () -> ssh.run(Command.of("true"))));

                assertMentions(e, "vbs-test-host", "127.0.0.1:" + mute.getLocalPort(), "1000 ms");
            } finally {
                accepted.get(10, TimeUnit.SECONDS).close();
            }
        }
    }

    // ---------------------------------------------------------------- one connection, secrets

    @Test
    void shouldReuseOneConnectionForManyCommands() throws Exception {
        int before = acceptedLogins();

        try (SshHostShell ssh = new SshHostShell(target(sshd, clientKey, knownHosts))) {
            for (int i = 0; i < 5; i++) {
                assertEquals(String.valueOf(i), ssh.run(Command.of("printf", "%s", String.valueOf(i))).stdout());
            }
        }

        assertEquals(before + 1, acceptedLogins(), "one login for five commands");
    }

    @Test
    void shouldGiveBackTheChannelOfAStartedProgramThatEndedByItself() throws Exception {
        List<HostProcess> ended = new ArrayList<>();
        try (SshHostShell ssh = new SshHostShell(target(sshd, clientKey, knownHosts))) {
            for (int i = 0; i < 2 * SshHostShell.MAX_CHANNELS; i++) {
                HostProcess process = ssh.start(Command.of("printf", "%s", "p" + i).withTimeout(Duration.ofSeconds(5)));
                ended.add(process);
                assertEquals("p" + i, new String(process.stdout().readAllBytes(), StandardCharsets.UTF_8));
            }

            assertEquals("free\n", ssh.run(Command.of("echo", "free").withTimeout(Duration.ofSeconds(5))).stdout());
        } finally {
            ended.forEach(HostProcess::close);
        }
    }

    @Test
    void shouldKeepStdinSecretsOutOfEveryCommandLine() throws Exception {
        String secret = "vbs-secret-" + unique() + "-" + unique();
        String marker = "5." + unique();
        try (SshHostShell ssh = new SshHostShell(target(sshd, clientKey, knownHosts))) {
            CompletableFuture<CommandResult> running = CompletableFuture.supplyAsync(() -> {
                try {
                    // sleep does not read its stdin: the secret waits in the channel while we look.
                    return ssh.run(Command.of("sleep", marker).withStdin(secret.getBytes(StandardCharsets.UTF_8)));
                } catch (DriverException e) {
                    throw new IllegalStateException(e);
                }
            });
            awaitTrue(() -> !processesWithArgument(marker).isEmpty(), () -> "the remote sleep did not start");

            List<String> leaks = processesMentioning(secret);

            assertEquals(List.of(), leaks, "the secret appears in these processes' command lines or environments");
            assertEquals(0, running.get(60, TimeUnit.SECONDS).exitCode());
            CommandResult echoed = ssh.run(Command.of("cat").withStdin(secret.getBytes(StandardCharsets.UTF_8)));
            assertEquals(secret, echoed.stdout(), "the secret did reach the program through stdin");
        }
        assertFalse(sshd.log().contains(secret), "sshd logged the secret");
    }

    @Test
    void shouldLeaveNoServerNamespaceOrLinkBehind() throws Exception {
        NetworkNamespace own = NetworkNamespace.create();
        SshdProcess server;
        try {
            server = SshdProcess.start(own, dir, hostKey, List.of(clientKey));
            try (SshHostShell ssh = new SshHostShell(target(server, clientKey,
                    writeKnownHosts("known_hosts_cleanup", server.knownHostsLine())))) {
                assertEquals(0, ssh.run(Command.of("true")).exitCode());
            } finally {
                server.close();
            }
        } finally {
            own.close();
        }

        assertFalse(ProcessHandle.of(server.pid()).isPresent(), "sshd " + server.pid() + " is gone");
        assertFalse(ExecResult.of("ip", "netns", "list").output().contains(own.name()), "namespace gone");
        assertFalse(ExecResult.of("ip", "-o", "link", "show").output().contains(own.name()), "veth gone");
    }

    // ---------------------------------------------------------------- helpers

    private static SshTarget target(SshdProcess server, SshKey key, Path pinned) {
        return new SshTarget("vbs-test-host", server.address(), server.port(), "root", key.privateKey(), pinned,
                CONNECT_TIMEOUT);
    }

    private static Path writeKnownHosts(String name, String... lines) throws IOException {
        Path file = dir.resolve(name);
        Files.writeString(file, String.join("\n", lines) + "\n", StandardCharsets.US_ASCII);
        return file;
    }

    private int acceptedLogins() throws IOException {
        Matcher m = Pattern.compile("Accepted publickey for root").matcher(sshd.log());
        int count = 0;
        while (m.find()) {
            count++;
        }
        return count;
    }

    /** Processes whose command line or environment holds {@code text}. */
    private static List<String> processesMentioning(String text) throws IOException {
        List<String> found = new ArrayList<>();
        try (DirectoryStream<Path> procs = Files.newDirectoryStream(Path.of("/proc"), "[0-9]*")) {
            for (Path proc : procs) {
                for (String file : List.of("cmdline", "environ")) {
                    try {
                        if (new String(Files.readAllBytes(proc.resolve(file)), StandardCharsets.UTF_8).contains(text)) {
                            found.add(proc.getFileName() + "/" + file);
                        }
                    } catch (IOException gone) {
                        continue; // it ended while we looked
                    }
                }
            }
        }
        return found;
    }

    private static void deleteTree(Path root) throws IOException {
        if (root == null || !Files.exists(root)) {
            return;
        }
        try (var paths = Files.walk(root)) {
            for (Path p : paths.sorted((a, b) -> b.getNameCount() - a.getNameCount()).toList()) {
                Files.delete(p);
            }
        }
    }
}
