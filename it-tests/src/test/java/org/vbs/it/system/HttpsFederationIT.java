package org.vbs.it.system;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import eu.emi.security.authn.x509.proxy.ProxyCertificate;
import eu.emi.security.authn.x509.proxy.ProxyCertificateOptions;
import eu.emi.security.authn.x509.proxy.ProxyGenerator;
import eu.emi.security.authn.x509.proxy.ProxyType;
import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import jakarta.json.JsonValue;
import java.io.InputStream;
import java.io.StringReader;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.vbs.it.support.Await;
import org.vbs.it.support.ItConfig;
import org.vbs.it.support.Processes;
import org.vbs.it.support.ServerProcess;
import org.vbs.it.support.VbsHomes;
import org.vbs.security.Credential;
import org.vbs.security.NewFile;
import org.vbs.security.Pem;
import org.vbs.security.grid.CaDirectory;
import org.vbs.security.grid.ProxyFile;
import org.vbs.security.pki.CertificateAuthority;
import org.vbs.security.pki.DevPki;
import org.vbs.security.pki.PkiLayout;

/**
 * HTTPS as an operator runs it: bin/vbs-server with {@code VBS_HTTP=0} (HTTPS only, the server
 * credential of its VBS_HOME, the key store password never on a command line), the built CLI over
 * https checking the server against the CA directory, and a federated service (its own host
 * certificate as TLS client certificate, signing with a proxy a user delegated to it) acting as that
 * user. One server for the class; stopped by its PID at the end.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public class HttpsFederationIT {
    private static final Duration CLI_PATIENCE = Duration.ofMinutes(3);
    private static final String PASSWORD_KEY = "org.apache.wss4j.crypto.merlin.keystore.password";
    private static final String SERVICE_DN = "CN=nimbus.example.org,OU=vbs,O=Grid";

    private Path work;
    private ServerProcess server;
    private PkiLayout pki;

    @BeforeAll
    public void startHttpsOnlyServer() throws Exception {
        work = ItConfig.workDir().resolve("https-federation");
        VbsHomes.deleteTree(work);
        Files.createDirectories(work);
        server = ServerProcess.withoutLab(work.resolve("vbs-home"), ItConfig.systemPortOffset(), work)
                .withoutPlainHttp();
        server.start();
        pki = PkiLayout.under(server.vbsHome());
    }

    @AfterAll
    public void stopServer() throws Exception {
        if (server != null) {
            server.stop();
        }
    }

    @Test
    public void cliCallsOverHttpsCheckingTheServerAndPlainHttpIsRefused() throws Exception {
        // when the development user creates a volume over https (the certificate names 127.0.0.1)
        String volume = json(vbsOk("create-volume", "--size", "1")).getString("volumeId");

        // then it is there, read back over https (the development user administers this server: it sees
        // every owner's volumes, the other tests' too)
        assertTrue(volumeIds(vbsOk("describe-volumes")).contains(volume));
        // and plain HTTP is off: nothing listens on its port, while HTTPS serves
        int httpPort = 8080 + ItConfig.systemPortOffset();
        try (Socket socket = new Socket()) {
            assertThrows(ConnectException.class, () -> socket.connect(new InetSocketAddress("127.0.0.1", httpPort), 5000));
        }
        vbsOk("delete-volume", volume);
    }

    @Test
    public void aServerThatIsNotTheExpectedDnIsRefusedBeforeAnythingIsSent() throws Exception {
        Set<String> before = volumeIds(vbsOk("describe-volumes"));

        // when the user expects another server DN
        Processes.Result refused = vbs("--server-dn", "/O=Grid/OU=vbs/CN=impostor.example.org", "create-volume",
                "--size", "1");

        // then the CLI exits 3 naming both DNs, and nothing was created
        assertEquals(3, refused.exitCode(), refused.describe());
        assertTrue(refused.stderr().contains("Error: UntrustedServer: the server is CN=127.0.0.1,OU=vbs,O=Grid, not the"
                + " expected CN=impostor.example.org,OU=vbs,O=Grid"), refused.describe());
        assertEquals(before, volumeIds(vbsOk("describe-volumes")));
        // and the right DN (in either form) is accepted whatever name the URL uses
        vbsOk("--server-dn", "/O=Grid/OU=vbs/CN=127.0.0.1", "describe-volumes");
    }

    @Test
    public void theServerCommandLineHoldsNoKeyStorePassword() throws Exception {
        Properties crypto = new Properties();
        try (InputStream in = Files.newInputStream(pki.cryptoProperties())) {
            crypto.load(in);
        }
        String password = crypto.getProperty(PASSWORD_KEY);
        assertTrue(password != null && password.length() >= 16, "crypto.properties holds the password");

        String argv = new String(Files.readAllBytes(Path.of("/proc/" + server.pid() + "/cmdline")),
                StandardCharsets.UTF_8).replace('\0', ' ');

        assertTrue(argv.contains("--properties=" + pki.cryptoProperties()), argv);
        assertFalse(argv.contains(password), "the server's argv shows the key store password");
        assertEquals("rw-------", java.nio.file.attribute.PosixFilePermissions.toString(
                Files.getPosixFilePermissions(pki.cryptoProperties())));
    }

    @Test
    public void aFederatedServiceWithItsHostCertificateActsAsTheUserWhoseProxyItHolds() throws Exception {
        // given a user of the grid CA, and a service with a host certificate of the same CA holding an
        // RFC 3820 proxy the user delegated to it
        CertificateAuthority ca = new CertificateAuthority(Credential.load(pki.caCert(), pki.caKey()));
        Credential user = ca.issueUser("CN=Federated User " + System.nanoTime() + ",OU=vbs-it,O=Grid");
        Path userDir = work.resolve("user-" + System.nanoTime());
        NewFile.writeAll(user.toPemFiles(userDir.resolve("usercert.pem"), userDir.resolve("userkey.pem")));
        Credential host = ca.issueServer("nimbus.example.org");
        Path serviceDir = work.resolve("service-" + System.nanoTime());
        NewFile.writeAll(host.toPemFiles(serviceDir.resolve("hostcert.pem"), serviceDir.resolve("hostkey.pem")));
        Path delegated = serviceDir.resolve("delegated-proxy.pem");
        NewFile.writeAll(List.of(ProxyFile.of(delegated, proxyOf(user))));
        String userDn = user.certificate().getSubjectX500Principal().getName();

        // when the service creates a volume: TLS client certificate = its host certificate, signed with the proxy
        JsonObject created = json(vbsOk("--proxy", delegated.toString(), "--tls-cert",
                serviceDir.resolve("hostcert.pem").toString(), "--tls-key", serviceDir.resolve("hostkey.pem").toString(),
                "create-volume", "--size", "1"));
        String volume = created.getString("volumeId");

        // then the volume is the user's: the user's own describe (with the user's certificate) shows it
        Set<String> usersVolumes = volumeIds(vbsOk("--cert", userDir.resolve("usercert.pem").toString(), "--key",
                userDir.resolve("userkey.pem").toString(), "describe-volumes"));
        assertEquals(Set.of(volume), usersVolumes);
        // and another user (no administrator) does not see it
        Credential other = ca.issueUser("CN=Other User " + System.nanoTime() + ",OU=vbs-it,O=Grid");
        Path otherDir = work.resolve("other-" + System.nanoTime());
        NewFile.writeAll(other.toPemFiles(otherDir.resolve("usercert.pem"), otherDir.resolve("userkey.pem")));
        assertFalse(volumeIds(vbsOk("--cert", otherDir.resolve("usercert.pem").toString(), "--key",
                otherDir.resolve("userkey.pem").toString(), "describe-volumes")).contains(volume));
        // and the audit line names the user as caller and the service it came through
        String line = auditLine("op=CreateVolume resource=" + volume);
        assertTrue(line.contains(" dn=\"" + userDn + "\" fqans=- proxy=yes op=CreateVolume resource=" + volume
                + " outcome=allowed reason=- via=\"" + SERVICE_DN + "\""), line);
    }

    @Test
    public void aHostCertificateFromAnUntrustedCaNeverNamesAService() throws Exception {
        // given a "service" whose host certificate comes from a CA the server does not trust
        Credential rogue = DevPki.newCa("CN=Rogue CA " + System.nanoTime() + ",O=Elsewhere").issueServer("evil.example.org");
        Path dir = work.resolve("rogue-" + System.nanoTime());
        NewFile.writeAll(rogue.toPemFiles(dir.resolve("hostcert.pem"), dir.resolve("hostkey.pem")));

        // when it calls, signing as the development user
        String volume = json(vbsOk("--tls-cert", dir.resolve("hostcert.pem").toString(), "--tls-key",
                dir.resolve("hostkey.pem").toString(), "create-volume", "--size", "1")).getString("volumeId");

        // then the server's handshake asked only for certificates of its CAs, so the rogue one was never
        // presented: the call is the signer's own, and no service is named
        String line = auditLine("op=CreateVolume resource=" + volume);
        assertTrue(line.contains(" outcome=allowed reason=- via=-"), line);
        assertFalse(line.contains("evil.example.org"), line);
        vbsOk("delete-volume", volume);
    }

    @Test
    public void aRevokedHostCertificateIsRefusedByTheServiceAndChangesNothing() throws Exception {
        // given a service whose host certificate the grid CA has revoked since the server started: the
        // handshake's trust store (a copy of the CA directory made at start) holds no CRL, the service's
        // check of the CA directory does
        CertificateAuthority ca = new CertificateAuthority(Credential.load(pki.caCert(), pki.caKey()));
        Credential host = ca.issueServer("revoked.example.org");
        Path dir = work.resolve("revoked-" + System.nanoTime());
        NewFile.writeAll(host.toPemFiles(dir.resolve("hostcert.pem"), dir.resolve("hostkey.pem")));
        CaDirectory directory = new CaDirectory(pki.caDirectory());
        Path next = Files.write(directory.crlFile(ca.certificate()).resolveSibling("next.crl.tmp"),
                Pem.encodeCrl(ca.issueCrl(List.of(host.certificate().getSerialNumber()))));
        Files.move(next, directory.crlFile(ca.certificate()), StandardCopyOption.REPLACE_EXISTING,
                StandardCopyOption.ATOMIC_MOVE);
        Set<String> before = volumeIds(vbsOk("describe-volumes"));

        // when it calls (once the server has re-read the directory: every 10 s), it gets the generic refusal
        Processes.Result refused = Await.until("the revoked host certificate refused", Duration.ofMinutes(1), () -> {
            Processes.Result result = vbs("--tls-cert", dir.resolve("hostcert.pem").toString(), "--tls-key",
                    dir.resolve("hostkey.pem").toString(), "create-volume", "--size", "1");
            if (result.exitCode() == 0) {
                vbsOk("delete-volume", json(result.stdout()).getString("volumeId"));
                return java.util.Optional.empty();
            }
            return java.util.Optional.of(result);
        }, () -> "accepted");
        assertEquals(1, refused.exitCode(), refused.describe());
        assertTrue(refused.stderr().contains("UnauthorizedOperation"), refused.describe());

        // then nothing was made, and the audit log says why
        assertEquals(before, volumeIds(vbsOk("describe-volumes")));
        String line = auditLine("TLS client certificate of CN=revoked.example.org");
        assertTrue(line.contains("op=CreateVolume resource=- outcome=refused reason=\"UnauthorizedOperation: TLS client"
                + " certificate of CN=revoked.example.org,OU=vbs,O=Grid not trusted: "), line);
    }

    /** The first audit line containing the text (the log is written as the call ends). */
    private String auditLine(String text) throws Exception {
        Path audit = server.vbsHome().resolve("server/log/audit.log");
        return Await.until("an audit line with " + text, Duration.ofSeconds(30),
                () -> Files.readAllLines(audit).stream().filter(l -> l.contains(text)).findFirst(), audit::toString);
    }

    private static Credential proxyOf(Credential user) throws Exception {
        ProxyCertificateOptions options = new ProxyCertificateOptions(user.chain().toArray(new X509Certificate[0]));
        options.setType(ProxyType.RFC3820);
        ProxyCertificate proxy = ProxyGenerator.generate(options, user.privateKey());
        return new Credential(proxy.getPrivateKey(), List.of(proxy.getCertificateChain()));
    }

    /** Runs the built CLI over https against this server, as its development user unless options say otherwise. */
    private Processes.Result vbs(String... arguments) throws Exception {
        List<String> argv = new ArrayList<>(List.of(ItConfig.cli().toString(), "--output", "json"));
        argv.addAll(List.of(arguments));
        return Processes.run(argv, Map.of("VBS_HOME", server.vbsHome().toString(),
                "VBS_URL", server.httpsEndpoint().toString()), CLI_PATIENCE);
    }

    private String vbsOk(String... arguments) throws Exception {
        Processes.Result result = vbs(arguments);
        assertEquals(0, result.exitCode(), result.describe());
        return result.stdout();
    }

    private static JsonObject json(String text) {
        try (JsonReader reader = Json.createReader(new StringReader(text))) {
            return reader.readObject();
        }
    }

    private static Set<String> volumeIds(String describeJson) {
        Set<String> ids = new TreeSet<>();
        JsonArray volumes = json(describeJson).getJsonArray("volumes");
        for (JsonValue volume : volumes) {
            ids.add(volume.asJsonObject().getString("volumeId"));
        }
        return ids;
    }
}
