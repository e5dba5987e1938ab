package org.vbs.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import eu.emi.security.authn.x509.proxy.ProxyCertificate;
import eu.emi.security.authn.x509.proxy.ProxyCertificateOptions;
import eu.emi.security.authn.x509.proxy.ProxyGenerator;
import eu.emi.security.authn.x509.proxy.ProxyType;
import java.io.IOException;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
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
import org.vbs.security.NewFile;
import org.vbs.security.grid.CaDirectory;
import org.vbs.security.grid.ProxyFile;
import org.vbs.security.pki.CertificateAuthority;
import org.vbs.security.pki.DevPki;
import org.vbs.security.pki.DevPkiSetup;
import org.vbs.security.pki.PkiLayout;

/**
 * The signing round trip with the WSDL's own policy: a CXF endpoint on loopback, configured like the
 * service (RSA-SHA256, signed answers), and the CLI's real signing port factory.
 */
class SignedRoundTripTest {
    private static final char[] PASSPHRASE = "grid pass phrase".toCharArray();

    @TempDir
    static Path home;
    static PkiLayout pki;
    static CertificateAuthority otherCa;

    private SignedService server;

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
            server.close();
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
        CliRun byEnvironment = CliRun.run(new SignedPortFactory(CliRun.noPassphrase()),
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

    @Test
    void shouldRefuseAnAnswerSignedByACertificateRevokedByACrlInTheCaDirectory() throws Exception {
        CertificateAuthority siteCa = DevPki.newCa("CN=Site CA,O=Grid");
        Credential serverCredential = siteCa.issueServer("localhost");
        Path trusting = home.resolve("site-ca-only");
        Path revoking = home.resolve("site-ca-and-crl");
        NewFile.writeAll(List.of(new CaDirectory(trusting).certificate(siteCa.certificate()),
                new CaDirectory(revoking).certificate(siteCa.certificate()),
                new CaDirectory(revoking).crl(siteCa.certificate(),
                        siteCa.issueCrl(List.of(serverCredential.certificate().getSerialNumber())))));
        OneVolume service = new OneVolume();
        String url = publish(service, serverCredential);

        CliRun trusted = vbs("describe-volumes", "--url", url, "--ca-dir", trusting.toString());
        CliRun revoked = vbs("describe-volumes", "--url", url, "--ca-dir", revoking.toString());
        CliRun devCaOnly = CliRun.run(new SignedPortFactory(CliRun.noPassphrase()), Map.of("VBS_HOME", home.toString(),
                "X509_CERT_DIR", pki.caDirectory().toString()), false, "describe-volumes", "--url", url);

        assertEquals(ExitCode.OK, trusted.status(), trusted.err());
        assertEquals(ExitCode.CONNECTION, revoked.status(), revoked.err());
        assertTrue(revoked.err().startsWith("Error: UntrustedResponse: the service's answer failed the signature"
                + " check (is the CA that issued the service's certificate in your CA directory"), revoked.err());
        assertEquals("", revoked.out(), "nothing of a revoked signer's answer is shown");
        assertEquals(ExitCode.CONNECTION, devCaOnly.status(), devCaOnly.err());
        assertTrue(devCaOnly.err().startsWith("Error: UntrustedResponse: "), devCaOnly.err());
    }

    @Test
    void shouldSignWithAnEncryptedKeyOfEitherPemFormAfterAskingForItsPassPhrase() throws Exception {
        OneVolume service = new OneVolume();
        String url = publish(service, Credential.load(pki.serverCert(), pki.serverKey()));
        Credential user = Credential.load(pki.userCert(), pki.userKey());
        List<Path> asked = new ArrayList<>();
        PassphraseSource right = keyFile -> {
            asked.add(keyFile);
            return PASSPHRASE.clone();
        };

        for (Path key : List.of(EncryptedKeys.pkcs8(home.resolve("pkcs8-key.pem"), user.privateKey(), PASSPHRASE),
                EncryptedKeys.traditional(home.resolve("openssl-key.pem"), user.privateKey(), PASSPHRASE))) {
            CliRun run = vbs(right, "describe-volumes", "--url", url, "--key", key.toString());
            CliRun wrong = vbs(keyFile -> "not it".toCharArray(), "describe-volumes", "--url", url, "--key", key.toString());

            assertEquals(ExitCode.OK, run.status(), run.err());
            assertEquals(key, asked.get(asked.size() - 1));
            assertEquals(ExitCode.CONNECTION, wrong.status(), wrong.err());
            assertEquals("Error: CredentialError: " + key + ": cannot decrypt the private key: wrong pass phrase?\n",
                    wrong.err());
        }
        assertEquals(2, service.requests.size(), "only the calls with the right pass phrase were sent");
    }

    @Test
    void shouldRefuseAnEncryptedKeyWithoutATerminalPointingAtProxyInit() throws Exception {
        Credential user = Credential.load(pki.userCert(), pki.userKey());
        Path key = EncryptedKeys.pkcs8(home.resolve("no-terminal-key.pem"), user.privateKey(), PASSPHRASE);

        CliRun run = vbs(new ConsolePassphrase(() -> null), "describe-volumes", "--key", key.toString());

        assertEquals(ExitCode.CONNECTION, run.status(), run.err());
        assertTrue(run.err().startsWith("Error: CredentialError: " + key + ": holds an encrypted private key and there"
                + " is no terminal to ask for its pass phrase; run 'vbs proxy-init' in a terminal"), run.err());
    }

    @Test
    void shouldSignWithAProxyMadeByProxyInit() throws Exception {
        OneVolume service = new OneVolume();
        String url = publish(service, Credential.load(pki.serverCert(), pki.serverKey()));
        Path proxy = home.resolve("x509up_made_by_proxy_init");

        CliRun init = vbs("proxy-init", "--out", proxy.toString(), "--hours", "1");
        CliRun call = vbs("describe-volumes", "--url", url, "--proxy", proxy.toString());

        assertEquals(ExitCode.OK, init.status(), init.err());
        assertEquals(ExitCode.OK, call.status(), call.err());
        assertEquals(1, service.requests.size());
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
        return CliRun.run(new SignedPortFactory(CliRun.noPassphrase()), Map.of("VBS_HOME", home.toString()), false, args);
    }

    private static CliRun vbs(PassphraseSource passphrases, String... args) {
        return CliRun.run(new SignedPortFactory(passphrases), Map.of("VBS_HOME", home.toString()), false, passphrases,
                Clock.systemUTC(), args);
    }

    /** Publishes the service on a free loopback port, signing with the credential and trusting the dev CA. */
    private String publish(VolumeServicePortType service, Credential serverCredential)
            throws IOException, WSSecurityException {
        server = SignedService.publish(service, serverCredential, pki);
        return server.url();
    }
}
