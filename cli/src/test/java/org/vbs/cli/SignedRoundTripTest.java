package org.vbs.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import eu.emi.security.authn.x509.proxy.ProxyCertificate;
import eu.emi.security.authn.x509.proxy.ProxyCertificateOptions;
import eu.emi.security.authn.x509.proxy.ProxyGenerator;
import eu.emi.security.authn.x509.proxy.ProxyType;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import javax.xml.namespace.QName;
import org.apache.cxf.endpoint.Server;
import org.apache.cxf.jaxws.JaxWsServerFactoryBean;
import org.apache.cxf.ws.security.SecurityConstants;
import org.apache.wss4j.common.crypto.CryptoFactory;
import org.apache.wss4j.common.crypto.Merlin;
import org.apache.wss4j.common.ext.WSSecurityException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vbs.cli.generated.DescribeVolumesResponseType;
import org.vbs.cli.generated.DescribeVolumesSetItemResponseType;
import org.vbs.cli.generated.DescribeVolumesSetResponseType;
import org.vbs.cli.generated.DescribeVolumesType;
import org.vbs.cli.generated.VolumeServicePortType;
import org.vbs.security.Credential;
import org.vbs.security.KeyStores;
import org.vbs.security.NewFile;
import org.vbs.security.grid.GridCrypto;
import org.vbs.security.grid.ProxyFile;
import org.vbs.security.grid.GridTrustSettings;
import org.vbs.security.pki.CertificateAuthority;
import org.vbs.security.pki.DevPki;
import org.vbs.security.pki.DevPkiSetup;
import org.vbs.security.pki.PkiLayout;

/**
 * The signing round trip with the WSDL's own policy: a CXF endpoint on loopback, configured like the
 * service (RSA-SHA256, signed answers), and the CLI's real signing port factory.
 */
class SignedRoundTripTest {
    private static final String NAMESPACE = "urn:vbs:2026-11";

    @TempDir
    static Path home;
    static PkiLayout pki;
    static CertificateAuthority otherCa;

    private Server server;

    /** Answers DescribeVolumes with one volume and remembers that it was called. */
    static final class OneVolume extends FakePort {
        @Override
        public DescribeVolumesResponseType describeVolumes(DescribeVolumesType request) {
            requests.add(request);
            DescribeVolumesSetItemResponseType item = new DescribeVolumesSetItemResponseType();
            item.setVolumeId("vol-0123456789abcdef0");
            item.setSize(3);
            item.setStatus("available");
            item.setCreateTime(FakePort.time("2026-11-25T04:00:00Z"));
            DescribeVolumesResponseType response = new DescribeVolumesResponseType();
            response.setRequestId("req-1");
            response.setVolumeSet(new DescribeVolumesSetResponseType());
            response.getVolumeSet().getItem().add(item);
            return response;
        }
    }

    @BeforeAll
    static void makePki() {
        Logging.configure(false);
        pki = PkiLayout.under(home);
        DevPkiSetup.ensure(pki, "localhost");
        otherCa = DevPki.newCa("CN=Some Other CA,O=Elsewhere");
    }

    @AfterEach
    void stopServer() {
        if (server != null) {
            server.destroy();
        }
    }

    @Test
    void shouldSignTheRequestAndAcceptTheServiceSignedAnswer() throws Exception {
        OneVolume service = new OneVolume();
        String url = publish(service, Credential.load(pki.serverCert(), pki.serverKey()));
        CliRun run = vbs("describe-volumes", "--url", url, "--output", "json");
        assertEquals(ExitCode.OK, run.status(), run.err());
        assertEquals(1, service.requests.size());
        assertTrue(run.out().contains("\"volumeId\": \"vol-0123456789abcdef0\""), run.out());
        assertEquals("", run.err());
    }

    @Test
    void shouldRefuseAnAnswerSignedByACertificateOfAnotherCa() throws Exception {
        OneVolume service = new OneVolume();
        String url = publish(service, otherCa.issueServer("localhost"));
        CliRun run = vbs("describe-volumes", "--url", url);
        assertEquals(ExitCode.CONNECTION, run.status(), run.err());
        assertTrue(run.err().startsWith("Error: UntrustedResponse: "), run.err());
        assertEquals("", run.out(), "nothing of an untrusted answer is shown");
    }

    @Test
    void shouldReportTheServiceRefusingAnUntrustedUserAsExit3() throws Exception {
        OneVolume service = new OneVolume();
        String url = publish(service, Credential.load(pki.serverCert(), pki.serverKey()));
        Path stranger = home.resolve("stranger");
        NewFile.writeAll(otherCa.issueUser("CN=Stranger,O=Elsewhere").toPemFiles(stranger.resolve("usercert.pem"),
                stranger.resolve("userkey.pem")));
        CliRun run = vbs("describe-volumes", "--url", url, "--cert", stranger.resolve("usercert.pem").toString(),
                "--key", stranger.resolve("userkey.pem").toString());
        assertEquals(ExitCode.CONNECTION, run.status(), run.err());
        assertTrue(run.err().startsWith("Error: SecurityError: the service refused the request's signature"), run.err());
        assertEquals(0, service.requests.size(), "the service never saw the call");
        assertEquals("", run.out());
    }

    @Test
    void shouldSignWithTheWholeProxyChainOfAProxyCredentialFile() throws Exception {
        OneVolume service = new OneVolume();
        String url = publish(service, Credential.load(pki.serverCert(), pki.serverKey()));
        Path proxy = writeProxyFile(home.resolve("x509up_test"));

        CliRun byOption = vbs("describe-volumes", "--url", url, "--proxy", proxy.toString());
        CliRun byEnvironment = CliRun.run(new SignedPortFactory(),
                Map.of("VBS_HOME", home.toString(), "X509_USER_PROXY", proxy.toString()), false,
                "describe-volumes", "--url", url);

        // The server's CA directory trusts the proxy only with the user certificate it hangs from:
        // being served proves the chain went whole, as an X509PKIPathv1 token.
        assertEquals(ExitCode.OK, byOption.status(), byOption.err());
        assertEquals(ExitCode.OK, byEnvironment.status(), byEnvironment.err());
        assertEquals(2, service.requests.size());
    }

    @Test
    void shouldRefuseAProxyGivenWithCertOrKey() throws Exception {
        Path proxy = writeProxyFile(home.resolve("x509up_usage"));

        CliRun run = vbs("describe-volumes", "--proxy", proxy.toString(), "--cert", pki.userCert().toString());

        assertEquals(ExitCode.USAGE, run.status(), run.err());
        assertTrue(run.err().contains("--proxy"), run.err());
    }

    /** A proxy credential file as grid-proxy-init writes it: proxy certificate, its key, the user certificate. */
    private static Path writeProxyFile(Path file) throws Exception {
        Credential user = Credential.load(pki.userCert(), pki.userKey());
        ProxyCertificateOptions options = new ProxyCertificateOptions(user.chain().toArray(new X509Certificate[0]));
        options.setType(ProxyType.RFC3820);
        ProxyCertificate proxy = ProxyGenerator.generate(options, user.privateKey());
        NewFile.writeAll(List.of(ProxyFile.of(file, new Credential(proxy.getPrivateKey(),
                List.of(proxy.getCertificateChain())))));
        return file;
    }

    private static CliRun vbs(String... args) {
        return CliRun.run(new SignedPortFactory(), Map.of("VBS_HOME", home.toString()), false, args);
    }

    /** Publishes the service on a free loopback port, signing with the credential and trusting the dev CA. */
    private String publish(VolumeServicePortType service, Credential serverCredential)
            throws IOException, WSSecurityException {
        int port;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = socket.getLocalPort();
        }
        String url = "http://127.0.0.1:" + port + "/vbs/VolumeService";
        // Trust as the real server has it: the CA directory the development PKI fills.
        Properties trust = new Properties();
        trust.setProperty("org.apache.wss4j.crypto.provider", GridCrypto.PROVIDER_NAME);
        trust.setProperty(GridTrustSettings.CERTIFICATES, pki.caDirectory().toString());
        Merlin crypto = (Merlin) CryptoFactory.getInstance(trust);
        crypto.setKeyStore(KeyStores.withCredential(serverCredential, "server", "secret".toCharArray()));
        Map<String, Object> properties = new HashMap<>();
        properties.put(SecurityConstants.SIGNATURE_CRYPTO, crypto);
        properties.put(SecurityConstants.ENCRYPT_CRYPTO, crypto);
        properties.put(SecurityConstants.SIGNATURE_USERNAME, "server");
        properties.put(SecurityConstants.SIGNATURE_PASSWORD, "secret");
        properties.put(SecurityConstants.ASYMMETRIC_SIGNATURE_ALGORITHM, SigningCredentials.RSA_SHA256);
        JaxWsServerFactoryBean factory = new JaxWsServerFactoryBean();
        factory.setServiceClass(VolumeServicePortType.class);
        factory.setServiceBean(service);
        factory.setAddress(url);
        factory.setWsdlLocation(SignedPortFactory.class.getResource(SignedPortFactory.WSDL_RESOURCE).toString());
        factory.setServiceName(new QName(NAMESPACE, "VolumeService"));
        factory.setEndpointName(new QName(NAMESPACE, "VolumeServicePort"));
        factory.setProperties(properties);
        server = factory.create();
        return url;
    }
}
