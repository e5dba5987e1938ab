package org.vbs.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import eu.emi.security.authn.x509.proxy.ProxyChainInfo;
import eu.emi.security.authn.x509.proxy.ProxyChainType;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.cert.X509Certificate;
import java.security.interfaces.RSAPublicKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vbs.security.Credential;
import org.vbs.security.Pem;
import org.vbs.security.pki.DevPki;
import org.vbs.security.pki.DevPkiSetup;
import org.vbs.security.pki.PkiLayout;

/** proxy-init and proxy-info with a real development PKI, a fixed clock and pass phrases given by the test. */
class ProxyCommandsTest {
    private static final char[] PASSPHRASE = "grid pass phrase".toCharArray();

    @TempDir
    static Path home;
    static PkiLayout pki;
    static Credential user;
    /** Now, fixed for the test: proxy lifetimes and time left are exact. */
    static Clock clock;

    @TempDir
    Path dir;

    @BeforeAll
    static void makePki() {
        pki = PkiLayout.under(home);
        DevPkiSetup.ensure(pki, "localhost");
        user = Credential.load(pki.userCert(), pki.userKey());
        clock = Clock.fixed(Instant.now().truncatedTo(ChronoUnit.SECONDS), ZoneOffset.UTC);
    }

    @Test
    void shouldWriteAnRfc3820ProxyOwnerOnlyAsGridProxyInitDoes() throws Exception {
        Path proxy = dir.resolve("x509up_u1000");

        CliRun run = vbs(CliRun.noPassphrase(), "proxy-init", "--out", proxy.toString());

        assertEquals(ExitCode.OK, run.status(), run.err());
        assertEquals("Your identity: " + DevPki.USER_DN + "\nProxy written to " + proxy + ", valid until "
                + clock.instant().plus(Duration.ofHours(12)) + "\n", run.out());
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(proxy)));
        List<X509Certificate> chain = Pem.readCertificates(proxy);
        assertEquals(List.of(user.certificate()), chain.subList(1, chain.size()), "the user's chain follows the proxy");
        ProxyChainInfo info = new ProxyChainInfo(chain.toArray(new X509Certificate[0]));
        assertEquals(ProxyChainType.RFC3820, info.getProxyType());
        assertFalse(info.isLimited());
        assertEquals(clock.instant().plus(Duration.ofHours(12)), chain.get(0).getNotAfter().toInstant());
        assertEquals(2048, ((RSAPublicKey) chain.get(0).getPublicKey()).getModulus().bitLength());
        // One PEM file: proxy certificate, its key, then the chain; the key belongs to the proxy.
        String text = Files.readString(proxy, StandardCharsets.US_ASCII);
        assertTrue(text.indexOf("BEGIN PRIVATE KEY") > text.indexOf("BEGIN CERTIFICATE")
                && text.indexOf("BEGIN PRIVATE KEY") < text.lastIndexOf("BEGIN CERTIFICATE"), text);
        Credential loaded = Credential.load(proxy, proxy);
        assertEquals(chain.get(0), loaded.certificate());
    }

    @Test
    void shouldMakeALimitedProxyOfTheLifetimeAndSizeAsked() throws Exception {
        Path proxy = dir.resolve("x509up_limited");

        CliRun run = vbs(CliRun.noPassphrase(), "proxy-init", "--out", proxy.toString(), "--limited", "--valid", "1:30",
                "--bits", "1024", "--path-length", "0");

        assertEquals(ExitCode.OK, run.status(), run.err());
        X509Certificate[] chain = Pem.readCertificates(proxy).toArray(new X509Certificate[0]);
        ProxyChainInfo info = new ProxyChainInfo(chain);
        assertTrue(info.isLimited());
        assertEquals(0, info.getRemainingPathLimit());
        assertEquals(clock.instant().plus(Duration.ofMinutes(90)), chain[0].getNotAfter().toInstant());
        assertEquals(1024, ((RSAPublicKey) chain[0].getPublicKey()).getModulus().bitLength());
    }

    @Test
    void shouldAskForTheKeysPassPhraseAndReplaceTheOldProxy() throws Exception {
        Path key = EncryptedKeys.traditional(dir.resolve("userkey.pem"), user.privateKey(), PASSPHRASE);
        Path proxy = Files.writeString(dir.resolve("x509up_u1000"), "the old proxy");
        List<Path> asked = new ArrayList<>();

        CliRun run = vbs(keyFile -> {
            asked.add(keyFile);
            return PASSPHRASE.clone();
        }, "proxy-init", "--key", key.toString(), "--out", proxy.toString(), "--hours", "2");

        assertEquals(ExitCode.OK, run.status(), run.err());
        assertEquals(List.of(key), asked);
        assertEquals(user.certificate().getSubjectX500Principal(),
                Pem.readCertificates(proxy).get(0).getIssuerX500Principal());
        assertEquals(List.of("userkey.pem", "x509up_u1000"), list(dir), "no temporary file is left");
    }

    @Test
    void shouldLeaveTheOldProxyAsItWasWhenThePassPhraseIsWrongOrCannotBeAsked() throws Exception {
        Path key = EncryptedKeys.pkcs8(dir.resolve("userkey.pem"), user.privateKey(), PASSPHRASE);
        Path proxy = Files.writeString(dir.resolve("x509up_u1000"), "the old proxy");

        CliRun wrong = vbs(keyFile -> "wrong".toCharArray(), "proxy-init", "--key", key.toString(),
                "--out", proxy.toString());
        CliRun noTerminal = vbs(new ConsolePassphrase(() -> null), "proxy-init", "--key", key.toString(),
                "--out", proxy.toString());

        assertEquals(ExitCode.CONNECTION, wrong.status(), wrong.err());
        assertEquals("Error: CredentialError: " + key + ": cannot decrypt the private key: wrong pass phrase?\n",
                wrong.err());
        assertEquals(ExitCode.CONNECTION, noTerminal.status(), noTerminal.err());
        assertTrue(noTerminal.err().contains("holds an encrypted private key and there is no terminal"), noTerminal.err());
        assertEquals("the old proxy", Files.readString(proxy));
        assertEquals(List.of("userkey.pem", "x509up_u1000"), list(dir));
    }

    @Test
    void shouldEndTheProxyWithTheUsersCertificate() throws Exception {
        Path proxy = dir.resolve("x509up_long");
        Instant userEnd = user.certificate().getNotAfter().toInstant();

        CliRun run = vbs(CliRun.noPassphrase(), "proxy-init", "--out", proxy.toString(), "--valid", "99999:00");

        assertEquals(ExitCode.OK, run.status(), run.err());
        assertTrue(run.err().startsWith("Warning: your certificate chain expires at " + userEnd), run.err());
        assertEquals(userEnd, Pem.readCertificates(proxy).get(0).getNotAfter().toInstant());
    }

    @Test
    void shouldRefuseBadLifetimesAndSizesAsUsageErrors() {
        for (String[] args : List.of(new String[] {"--valid", "12"}, new String[] {"--valid", "0:00"},
                new String[] {"--hours", "1", "--valid", "1:00"}, new String[] {"--bits", "512"},
                new String[] {"--path-length", "-1"})) {
            List<String> command = new ArrayList<>(List.of("proxy-init", "--out", dir.resolve("p").toString()));
            command.addAll(List.of(args));
            CliRun run = vbs(CliRun.noPassphrase(), command.toArray(new String[0]));
            assertEquals(ExitCode.USAGE, run.status(), String.join(" ", args) + ": " + run.err());
            assertFalse(Files.exists(dir.resolve("p")));
        }
    }

    @Test
    void shouldShowWhatGridProxyInfoShows() throws Exception {
        Path proxy = dir.resolve("x509up_u1000");
        assertEquals(ExitCode.OK, vbs(CliRun.noPassphrase(), "proxy-init", "--out", proxy.toString(), "--limited").status());
        X509Certificate proxyCertificate = Pem.readCertificates(proxy).get(0);
        String subject = proxyCertificate.getSubjectX500Principal().getName();
        CliRun later = CliRun.run(CliRun.noPort(), Map.of("X509_USER_PROXY", proxy.toString()), false,
                CliRun.noPassphrase(), Clock.offset(clock, Duration.ofMinutes(61).plusSeconds(5)), "proxy-info");

        assertEquals(ExitCode.OK, later.status(), later.err());
        assertEquals("FIELD     VALUE\n"
                + "subject   " + subject + "\n"
                + "issuer    " + DevPki.USER_DN + "\n"
                + "identity  " + DevPki.USER_DN + "\n"
                + "type      RFC 3820 compliant limited proxy\n"
                + "strength  2048 bits\n"
                + "path      " + proxy + "\n"
                + "timeleft  10:58:55\n", later.out());

        CliRun json = vbs(CliRun.noPassphrase(), "proxy-info", "--file", proxy.toString(), "--output", "json");
        assertEquals("{\n"
                + "    \"subject\": \"" + subject + "\",\n"
                + "    \"issuer\": \"" + DevPki.USER_DN + "\",\n"
                + "    \"identity\": \"" + DevPki.USER_DN + "\",\n"
                + "    \"type\": \"RFC 3820 compliant limited proxy\",\n"
                + "    \"limited\": true,\n"
                + "    \"strength\": 2048,\n"
                + "    \"path\": \"" + proxy + "\",\n"
                + "    \"timeLeft\": 43200\n"
                + "}\n", json.out());
    }

    @Test
    void shouldTellByTheExitStatusWhetherAValidProxyExists() throws Exception {
        Path proxy = dir.resolve("x509up_u1000");
        assertEquals(ExitCode.OK, vbs(CliRun.noPassphrase(), "proxy-init", "--out", proxy.toString(), "--hours", "2")
                .status());

        assertExists(ExitCode.OK, proxy, clock);
        assertExists(ExitCode.OK, proxy, clock, "--valid", "2:00");
        assertExists(ExitCode.NO_VALID_PROXY, proxy, clock, "--valid", "2:01");
        assertExists(ExitCode.NO_VALID_PROXY, proxy, Clock.offset(clock, Duration.ofHours(2)));
        assertExists(ExitCode.NO_VALID_PROXY, dir.resolve("missing"), clock);
        assertExists(ExitCode.NO_VALID_PROXY, Files.writeString(dir.resolve("garbage"), "no PEM"), clock);
        // the user's own certificate is no proxy
        assertExists(ExitCode.NO_VALID_PROXY, pki.userCert(), clock);
    }

    @Test
    void shouldNameAMissingProxyFile() {
        Path missing = dir.resolve("x509up_missing");

        CliRun run = vbs(CliRun.noPassphrase(), "proxy-info", "--file", missing.toString());

        assertEquals(ExitCode.CONNECTION, run.status());
        assertEquals("Error: CredentialError: " + missing + ": no such file\n", run.err());
    }

    private static void assertExists(int expected, Path proxy, Clock now, String... more) {
        List<String> args = new ArrayList<>(List.of("proxy-info", "--exists", "--file", proxy.toString()));
        args.addAll(List.of(more));
        CliRun run = CliRun.run(CliRun.noPort(), Map.of(), false, CliRun.noPassphrase(), now, args.toArray(new String[0]));
        assertEquals(expected, run.status(), String.join(" ", args) + ": " + run.err());
        assertEquals("", run.out() + run.err(), "--exists prints nothing");
    }

    private static List<String> list(Path directory) throws java.io.IOException {
        try (var files = Files.list(directory)) {
            return files.map(file -> file.getFileName().toString()).sorted().toList();
        }
    }

    private static CliRun vbs(PassphraseSource passphrases, String... args) {
        return CliRun.run(CliRun.noPort(), Map.of("VBS_HOME", home.toString()), false, passphrases, clock, args);
    }
}
