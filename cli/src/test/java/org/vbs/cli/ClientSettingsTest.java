package org.vbs.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ClientSettingsTest {
    private static final Path HOME = Path.of("/home/alice");

    @Test
    void shouldDefaultToLoopbackAndTheDotVbsDirectory() {
        ClientSettings settings = resolve(Optional.empty(), Map.of());
        assertEquals(List.of(URI.create("http://127.0.0.1:8080/vbs/VolumeService")), settings.endpoints());
        assertEquals(Path.of("/home/alice/.vbs/pki/user/usercert.pem"), settings.certificate());
        assertEquals(Path.of("/home/alice/.vbs/pki/user/userkey.pem"), settings.privateKey());
        assertEquals(Path.of("/home/alice/.vbs/certificates"), settings.caDirectory());
    }

    @Test
    void shouldTakeUrlAndHomeFromTheEnvironment() {
        ClientSettings settings = resolve(Optional.empty(),
                Map.of("VBS_URL", "https://vbs.example.org/vbs/VolumeService", "VBS_HOME", "/srv/vbs"));
        assertEquals(List.of(URI.create("https://vbs.example.org/vbs/VolumeService")), settings.endpoints());
        assertEquals(Path.of("/srv/vbs/pki/user/usercert.pem"), settings.certificate());
        assertEquals(Path.of("/srv/vbs/certificates"), settings.caDirectory());
    }

    @Test
    void shouldLetOptionsWinOverTheEnvironment() {
        ClientSettings settings = ClientSettings.resolve(Optional.of("http://127.0.0.1:9090/x"),
                Optional.of(Path.of("/c.pem")), Optional.of(Path.of("/k.pem")), Optional.of(Path.of("/ca-dir")),
                Map.of("VBS_URL", "http://127.0.0.1:1/y", "VBS_HOME", "/srv/vbs", "X509_CERT_DIR", "/env-ca-dir"), HOME);
        assertEquals(List.of(URI.create("http://127.0.0.1:9090/x")), settings.endpoints());
        assertEquals(Path.of("/c.pem"), settings.certificate());
        assertEquals(Path.of("/k.pem"), settings.privateKey());
        assertEquals(Path.of("/ca-dir"), settings.caDirectory());
    }

    @Test
    void shouldIgnoreBlankEnvironmentValues() {
        ClientSettings settings = resolve(Optional.empty(), Map.of("VBS_URL", " ", "VBS_HOME", ""));
        assertEquals(List.of(URI.create(ClientSettings.DEFAULT_URL)), settings.endpoints());
        assertEquals(Path.of("/home/alice/.vbs/certificates"), settings.caDirectory());
    }

    @Test
    void shouldRefuseAnythingButAnAbsoluteHttpUrl() {
        for (String url : new String[] {"ftp://host/x", "127.0.0.1:8080/vbs", "http:/vbs", "not a url"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> resolve(Optional.of(url), Map.of()), url);
            assertTrue(e.getMessage().contains(url), e.getMessage());
        }
    }

    @Test
    void shouldReportABadUrlAsAUsageError() {
        CliRun run = CliRun.run(CliRun.noPort(), Map.of("VBS_URL", "ftp://host/x"), false, "describe-volumes");
        assertEquals(ExitCode.USAGE, run.status());
        assertTrue(run.err().contains("service URL 'ftp://host/x' must be an absolute http:// or https:// URL"), run.err());
    }

    @Test
    void shouldTakeACommaSeparatedListOfEndpointsInOrder() {
        ClientSettings settings = resolve(Optional.empty(),
                Map.of("VBS_URL", "https://node2.example.org/vbs/VolumeService, http://127.0.0.1:8080/vbs/VolumeService"));
        assertEquals(List.of(URI.create("https://node2.example.org/vbs/VolumeService"),
                URI.create("http://127.0.0.1:8080/vbs/VolumeService")), settings.endpoints());
    }

    @Test
    void shouldRefuseAMalformedListAsAUsageErrorNamingTheBadEntry() {
        Map<String, String> expected = Map.of(
                "http://127.0.0.1:1/x,,http://127.0.0.1:2/x", "service URL list: entry 2 of 3 is empty",
                "http://127.0.0.1:1/x,", "service URL list: entry 2 of 2 is empty",
                "http://127.0.0.1:1/x, ftp://host/x", "service URL 'ftp://host/x' must be an absolute http://",
                "http://127.0.0.1:1/x,http://127.0.0.1:1/x", "service URL list: 'http://127.0.0.1:1/x' is given twice",
                "http://alice:s3cret@127.0.0.1:1/x", "service URL '127.0.0.1...' must not carry a user name or password");
        expected.forEach((list, message) -> {
            CliRun run = CliRun.run(CliRun.noPort(), Map.of(), false, "describe-volumes", "--url", list);
            assertEquals(ExitCode.USAGE, run.status(), run.err());
            assertTrue(run.err().startsWith("Error: Usage: " + message), run.err());
            assertFalse(run.err().contains("s3cret"), run.err());
        });
    }

    @Test
    void shouldHandTheResolvedSettingsToThePortFactory() {
        ClientSettings[] seen = new ClientSettings[1];
        FakePort port = new DescribeCommandsTest.PagedVolumes(Map.of());
        CliRun run = CliRun.run(settings -> {
            seen[0] = settings;
            return endpoint -> port;
        }, Map.of("VBS_HOME", "/srv/vbs"), false, "describe-volumes", "--url", "http://127.0.0.1:1234/vbs/VolumeService");
        assertEquals(ExitCode.OK, run.status(), run.err());
        assertEquals(List.of(URI.create("http://127.0.0.1:1234/vbs/VolumeService")), seen[0].endpoints());
        assertEquals(Path.of("/srv/vbs/pki/user/userkey.pem"), seen[0].privateKey());
    }

    @Test
    void shouldFindTheCredentialInTheOrderGlobusToolsUse(@TempDir Path dir) throws Exception {
        Path home = Files.createDirectories(dir.resolve("home"));
        Path defaultProxy = dir.resolve("x509up_u1000");
        Map<String, String> proxyVariable = Map.of("X509_USER_PROXY", "/tmp/proxy-from-env",
                "X509_USER_CERT", "/c.pem");

        // nothing grid-like there: the development user of VBS_HOME
        assertEquals(List.of(home.resolve(".vbs/pki/user/usercert.pem"), home.resolve(".vbs/pki/user/userkey.pem")),
                credential(Map.of(), home, defaultProxy));
        // ~/.globus, once it holds a certificate
        Path globus = Files.createDirectories(home.resolve(".globus"));
        Files.writeString(globus.resolve("usercert.pem"), "");
        assertEquals(List.of(globus.resolve("usercert.pem"), globus.resolve("userkey.pem")),
                credential(Map.of(), home, defaultProxy));
        // X509_USER_CERT/X509_USER_KEY over it (each defaulting to ~/.globus)
        assertEquals(List.of(Path.of("/c.pem"), globus.resolve("userkey.pem")),
                credential(Map.of("X509_USER_CERT", "/c.pem"), home, defaultProxy));
        // the default proxy file, once it exists, over those
        Files.writeString(defaultProxy, "");
        assertEquals(List.of(defaultProxy, defaultProxy), credential(Map.of("X509_USER_CERT", "/c.pem"), home,
                defaultProxy));
        // X509_USER_PROXY over everything but the options
        assertEquals(List.of(Path.of("/tmp/proxy-from-env"), Path.of("/tmp/proxy-from-env")),
                credential(proxyVariable, home, defaultProxy));
        ClientSettings byOptions = ClientSettings.resolve(Optional.empty(), Optional.of(Path.of("/o.pem")),
                Optional.of(Path.of("/o.key")), Optional.empty(), proxyVariable, home, defaultProxy);
        assertEquals(List.of(Path.of("/o.pem"), Path.of("/o.key")), List.of(byOptions.certificate(),
                byOptions.privateKey()));
    }

    @Test
    void shouldFindTheUsersOwnCredentialForProxyInitNeverAProxy(@TempDir Path dir) throws Exception {
        Path home = Files.createDirectories(dir.resolve("home"));
        Map<String, String> env = Map.of("X509_USER_PROXY", "/tmp/proxy-from-env", "VBS_HOME", "/srv/vbs");

        assertEquals(List.of(Path.of("/srv/vbs/pki/user/usercert.pem"), Path.of("/srv/vbs/pki/user/userkey.pem")),
                List.of(ClientSettings.userCredential(Optional.empty(), Optional.empty(), env, home)));
        Path globus = Files.createDirectories(home.resolve(".globus"));
        Files.writeString(globus.resolve("usercert.pem"), "");
        assertEquals(List.of(globus.resolve("usercert.pem"), globus.resolve("userkey.pem")),
                List.of(ClientSettings.userCredential(Optional.empty(), Optional.empty(), env, home)));
        assertEquals(List.of(Path.of("/c.pem"), Path.of("/k.pem")), List.of(ClientSettings.userCredential(
                Optional.empty(), Optional.empty(), Map.of("X509_USER_CERT", "/c.pem", "X509_USER_KEY", "/k.pem"), home)));
        assertEquals(List.of(Path.of("/o.pem"), Path.of("/srv/vbs/pki/user/userkey.pem")), List.of(
                ClientSettings.userCredential(Optional.of(Path.of("/o.pem")), Optional.empty(), env, home)));
    }

    @Test
    void shouldLookForTheDefaultProxyUnderTheUsersUid() {
        assertTrue(ClientSettings.defaultProxyFile().toString().matches("/tmp/x509up_u[0-9]+"),
                ClientSettings.defaultProxyFile().toString());
    }

    private static List<Path> credential(Map<String, String> env, Path home, Path defaultProxy) {
        ClientSettings settings = ClientSettings.resolve(Optional.empty(), Optional.empty(), Optional.empty(),
                Optional.empty(), env, home, defaultProxy);
        return List.of(settings.certificate(), settings.privateKey());
    }

    private static ClientSettings resolve(Optional<String> url, Map<String, String> env) {
        return ClientSettings.resolve(url, Optional.empty(), Optional.empty(), Optional.empty(), env, HOME,
                Path.of("/nonexistent/x509up_u1000"));
    }
}
