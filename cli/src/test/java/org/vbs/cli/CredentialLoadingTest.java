package org.vbs.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vbs.security.pki.DevPkiSetup;
import org.vbs.security.pki.PkiLayout;

/** The real signing port factory, with a real development PKI made in a temporary VBS_HOME. */
class CredentialLoadingTest {
    @TempDir
    static Path home;
    static PkiLayout pki;

    @BeforeAll
    static void makePki() {
        pki = PkiLayout.under(home);
        DevPkiSetup.ensure(pki, "localhost");
    }

    private static CliRun vbs(String... args) {
        return CliRun.run(new SignedPortFactory(CliRun.noPassphrase()), Map.of("VBS_HOME", home.toString()), false, args);
    }

    @Test
    void shouldNameTheMissingKeyFile() {
        Path missing = home.resolve("nowhere/userkey.pem");
        CliRun run = vbs("describe-volumes", "--key", missing.toString());
        assertEquals(ExitCode.CONNECTION, run.status());
        assertEquals("Error: CredentialError: " + missing + ": no such file\n", run.err());
        assertEquals("", run.out());
    }

    @Test
    void shouldNameTheMissingCertificateFile() {
        Path missing = home.resolve("nowhere/usercert.pem");
        CliRun run = vbs("describe-volumes", "--cert", missing.toString());
        assertEquals(ExitCode.CONNECTION, run.status());
        assertEquals("Error: CredentialError: " + missing + ": no such file\n", run.err());
    }

    @Test
    void shouldNameTheMissingCaDirectory() {
        Path missing = home.resolve("nowhere/certificates");
        CliRun byOption = vbs("describe-volumes", "--ca-dir", missing.toString());
        CliRun byEnvironment = CliRun.run(new SignedPortFactory(CliRun.noPassphrase()),
                Map.of("VBS_HOME", home.toString(), "X509_CERT_DIR", missing.toString()), false, "describe-volumes");
        for (CliRun run : List.of(byOption, byEnvironment)) {
            assertEquals(ExitCode.CONNECTION, run.status());
            assertTrue(run.err().startsWith("Error: CredentialError: " + missing + ": no such CA directory (name one"
                    + " with --ca-dir or X509_CERT_DIR"), run.err());
        }
    }

    @Test
    void shouldRefuseAKeyThatIsNotTheCertificatesWithoutShowingIt() throws IOException {
        CliRun run = vbs("create-volume", "--size", "1", "--key", pki.serverKey().toString());
        assertEquals(ExitCode.CONNECTION, run.status());
        assertTrue(run.err().startsWith("Error: CredentialError: " + pki.serverKey() + ": is not the private key of"),
                run.err());
        assertNoKeyMaterial(run, pki.serverKey());
    }

    @Test
    void shouldRefuseAGarbledKeyWithoutShowingIt() throws IOException {
        Path garbled = home.resolve("garbled-key.pem");
        String userKey = Files.readString(pki.userKey(), StandardCharsets.US_ASCII);
        // A real key with its middle cut out: the rest is still key material and must not leak.
        Files.writeString(garbled, userKey.substring(0, userKey.length() / 2) + "\n-----END PRIVATE KEY-----\n");
        CliRun run = vbs("describe-volumes", "--key", garbled.toString());
        assertEquals(ExitCode.CONNECTION, run.status());
        assertTrue(run.err().startsWith("Error: CredentialError: " + garbled + ": "), run.err());
        assertNoKeyMaterial(run, garbled);
    }

    @Test
    void shouldReportAServiceThatIsNotThereAsAConnectionError() throws IOException {
        int port;
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = socket.getLocalPort();
        }
        // The port was just closed: nothing listens, the connection is refused.
        CliRun run = vbs("describe-volumes", "--url", "http://127.0.0.1:" + port + "/vbs/VolumeService");
        assertEquals(ExitCode.CONNECTION, run.status(), run.err());
        assertTrue(run.err().startsWith("Error: ConnectionFailed: "), run.err());
        assertFalse(run.err().contains("\tat "), "no stack trace without --debug: " + run.err());
        assertEquals("", run.out());
    }

    /** Neither stream holds any base64 line of the key file. */
    private static void assertNoKeyMaterial(CliRun run, Path keyFile) throws IOException {
        for (String line : Files.readAllLines(keyFile, StandardCharsets.US_ASCII)) {
            if (!line.startsWith("-----") && line.length() > 16) {
                assertFalse(run.err().contains(line) || run.out().contains(line), "key material printed");
            }
        }
        assertFalse(run.err().contains("PRIVATE KEY-----"), run.err());
    }
}
