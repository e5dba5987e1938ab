package org.vbs.security.pki;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vbs.security.Credential;
import org.vbs.security.FileTree;
import org.vbs.security.GridIdentity;
import org.vbs.security.Pem;

class DevPkiMainTest {
    /** One VBS home made by the first run, shared by the tests that build on it. */
    @TempDir
    static Path sharedHome;
    private static Result firstRun;

    @TempDir
    Path dir;

    @BeforeAll
    static void firstRun() {
        firstRun = run(sharedHome.toString());
    }

    @Test
    void shouldPrintOneLinePerFileCreatedAndNoSecret() throws IOException {
        PkiLayout layout = PkiLayout.under(sharedHome);

        assertEquals(DevPkiMain.OK, firstRun.status());
        assertEquals("", firstRun.err());
        assertEquals(List.of("created " + layout.caCert(), "created " + layout.caKey(), "created " + layout.serverCert(),
                "created " + layout.serverKey(), "created " + layout.userCert(), "created " + layout.userKey(),
                "created " + layout.cryptoProperties(), "created " + layout.serverKeyStore(),
                "created " + DevPkiSetupTest.caFile(layout, ".0"),
                "created " + DevPkiSetupTest.caFile(layout, ".r0"), "created " + layout.pluginSignerCert(),
                "created " + layout.pluginSignerKey(), "created " + layout.pluginTrustedDevSigner(),
                "created " + layout.sealingKeyStore(), "created " + layout.clusterKeyStore(),
                "created " + layout.vomsDirectory()),
                firstRun.out().lines().toList());
        Properties crypto = new Properties();
        try (InputStream in = Files.newInputStream(layout.cryptoProperties())) {
            crypto.load(in);
        }
        assertFalse(firstRun.out().contains(crypto.getProperty("org.apache.wss4j.crypto.merlin.keystore.password")));
        assertFalse(firstRun.out().contains("PRIVATE KEY"));
    }

    @Test
    void shouldPrintNothingWhenNothingIsMissing() {
        Result second = run(sharedHome.toString());

        assertEquals(new Result(DevPkiMain.OK, "", ""), second);
    }

    @Test
    void shouldIssueASecondUserSignedByTheDevelopmentCa() throws GeneralSecurityException {
        Path second = dir.resolve("second");

        Result result = run(sharedHome.toString(), "--issue-user", "/O=Grid/OU=vbs/CN=Second User", second.toString());

        assertEquals(DevPkiMain.OK, result.status(), result.err());
        assertEquals(List.of("created " + second.resolve("usercert.pem"), "created " + second.resolve("userkey.pem")),
                result.out().lines().toList());
        Credential user = Credential.load(second.resolve("usercert.pem"), second.resolve("userkey.pem"));
        assertEquals(GridIdentity.parse("CN=Second User,OU=vbs,O=Grid"),
                GridIdentity.of(user.certificate().getSubjectX500Principal()));
        CertPaths.validate(Pem.readCertificates(PkiLayout.under(sharedHome).caCert()).get(0), user.chain());
        assertEquals("rw-------", FileTree.mode(second.resolve("userkey.pem")));
    }

    @Test
    void shouldRefuseToIssueOverAnExistingUserCredential() throws IOException {
        Path existing = Files.createDirectories(dir.resolve("existing"));
        Files.writeString(existing.resolve("usercert.pem"), "someone's certificate");
        Map<String, String> before = FileTree.snapshot(dir);

        Result result = run(sharedHome.toString(), "--issue-user", "CN=Third User,O=Grid", existing.toString());

        assertEquals(DevPkiMain.CONFIGURATION_ERROR, result.status());
        assertTrue(result.err().contains(existing.resolve("usercert.pem") + ": already exists"), result.err());
        assertEquals(before, FileTree.snapshot(dir));
    }

    @Test
    void shouldRefuseToIssueWithoutTheDevelopmentCa() {
        Path vbsHome = dir.resolve("vbs");

        Result result = run(vbsHome.toString(), "--issue-user", "CN=Second User,O=Grid", dir.resolve("second").toString());

        assertEquals(DevPkiMain.CONFIGURATION_ERROR, result.status());
        assertTrue(result.err().contains(PkiLayout.under(vbsHome).caCert() + ": no such file"), result.err());
        assertEquals(Map.of(), FileTree.snapshot(vbsHome));
        assertFalse(Files.exists(dir.resolve("second")));
    }

    @Test
    void shouldRefuseWrongArgumentsAndMakeNothing() {
        Path vbsHome = dir.resolve("vbs");
        Map<String, String> before = FileTree.snapshot(dir);

        for (String[] args : List.of(new String[0], new String[] {"--server-host", "x"},
                new String[] {vbsHome.toString(), "--bogus"}, new String[] {vbsHome.toString(), "--server-host"},
                new String[] {vbsHome.toString(), "--server-host", "not a host"},
                new String[] {vbsHome.toString(), "--issue-user", "not a DN", dir.resolve("u").toString()})) {
            Result result = run(args);
            assertEquals(DevPkiMain.USAGE_ERROR, result.status(), String.join(" ", args));
            assertTrue(result.err().startsWith("DevPkiMain: "), result.err());
        }
        assertEquals(before, FileTree.snapshot(dir));
    }

    @Test
    void shouldPrintItsUsageWhenAsked() {
        Result result = run("--help");

        assertEquals(DevPkiMain.OK, result.status());
        assertTrue(result.out().startsWith("usage: DevPkiMain <vbsHome>"), result.out());
    }

    @Test
    void shouldRunAsTheRunScriptStartsIt() throws IOException, InterruptedException {
        Path vbsHome = dir.resolve("vbs");
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process process = new ProcessBuilder(java.toString(), "-cp", System.getProperty("java.class.path"),
                DevPkiMain.class.getName(), vbsHome.toString())
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);

        assertTrue(process.waitFor(120, TimeUnit.SECONDS));
        assertEquals(0, process.exitValue());
        assertEquals(16, out.lines().filter(line -> line.startsWith("created ")).count(), out);
        assertTrue(Files.exists(PkiLayout.under(vbsHome).cryptoProperties()));
    }

    private static Result run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = DevPkiMain.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Result(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private record Result(int status, String out, String err) {
    }
}
