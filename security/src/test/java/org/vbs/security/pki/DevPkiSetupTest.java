package org.vbs.security.pki;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import javax.security.auth.x500.X500Principal;
import org.apache.wss4j.common.crypto.Crypto;
import org.apache.wss4j.common.crypto.CryptoFactory;
import org.apache.wss4j.common.crypto.CryptoType;
import org.apache.wss4j.common.ext.WSSecurityException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vbs.security.Credential;
import org.vbs.security.FileTree;
import org.vbs.security.NewFile;
import org.vbs.security.Pem;
import org.vbs.security.SecurityConfigException;
import org.vbs.security.grid.CaDirectory;

class DevPkiSetupTest {
    /** One complete layout made from nothing, shared by the tests that only read it. */
    @TempDir
    static Path generatedHome;
    private static PkiLayout generated;
    private static List<Path> generatedFiles;
    /** An operator's own CA (also saves the tests that modify a layout making a CA each). */
    private static CertificateAuthority operatorCa;

    @TempDir
    Path vbsHome;
    private PkiLayout layout;

    @BeforeAll
    static void generate() {
        generated = PkiLayout.under(generatedHome);
        generatedFiles = DevPkiSetup.ensure(generated, "localhost");
        operatorCa = DevPki.newCa("CN=Example Grid CA,O=Example");
    }

    @BeforeEach
    void layout() {
        layout = PkiLayout.under(vbsHome);
    }

    @Test
    void shouldMakeTheWholeLayoutWithSecretsOwnerOnly() {
        assertEquals(List.of(generated.caCert(), generated.caKey(), generated.serverCert(), generated.serverKey(),
                generated.userCert(), generated.userKey(), generated.cryptoProperties(), generated.serverKeyStore(),
                caFile(generated, ".0"), caFile(generated, ".r0"), generated.pluginSignerCert(), generated.pluginSignerKey(),
                generated.pluginTrustedDevSigner(), generated.sealingKeyStore(), generated.clusterKeyStore(),
                generated.vomsDirectory()), generatedFiles);
        for (Path secret : List.of(generated.caKey(), generated.serverKey(), generated.userKey(), generated.pluginSignerKey(),
                generated.sealingKeyStore(), generated.clusterKeyStore(),
                generated.serverKeyStore(), generated.cryptoProperties())) {
            assertEquals("rw-------", FileTree.mode(secret), secret.toString());
        }
        for (Path directory : List.of(generated.root(), generated.caKey().getParent(), generated.serverKey().getParent(),
                generated.userKey().getParent())) {
            assertEquals("rwx------", FileTree.mode(directory), directory.toString());
        }
    }

    @Test
    void shouldMakeServerAndUserCertificatesThatValidateToTheCa() throws GeneralSecurityException {
        X509Certificate ca = single(Pem.readCertificates(generated.caCert()));
        Credential server = Credential.load(generated.serverCert(), generated.serverKey());
        Credential user = Credential.load(generated.userCert(), generated.userKey());

        CertPaths.validate(ca, server.chain());
        CertPaths.validate(ca, user.chain());
        assertEquals(new X500Principal(DevPki.CA_DN), ca.getSubjectX500Principal());
        assertEquals(new X500Principal("CN=localhost,OU=vbs,O=Grid"), server.certificate().getSubjectX500Principal());
        assertEquals(new X500Principal(DevPki.USER_DN), user.certificate().getSubjectX500Principal());
        assertTrue(ca.getBasicConstraints() >= 0);
        assertEquals(List.of("1.3.6.1.5.5.7.3.1", "1.3.6.1.5.5.7.3.2"), server.certificate().getExtendedKeyUsage());
        assertEquals(List.of("1.3.6.1.5.5.7.3.2"), user.certificate().getExtendedKeyUsage());
        assertTrue(server.certificate().getSubjectAlternativeNames().containsAll(
                List.of(List.of(2, "localhost"), List.of(7, "127.0.0.1"))));
    }

    @Test
    void shouldChangeNothingOnASecondRun() {
        Map<String, String> first = FileTree.snapshot(generatedHome);

        List<Path> created = DevPkiSetup.ensure(generated, "localhost");

        assertEquals(List.of(), created);
        assertEquals(first, FileTree.snapshot(generatedHome));
    }

    @Test
    void shouldWriteCryptoPropertiesWhoseStoresOpenWithItsPasswords() throws IOException, GeneralSecurityException {
        Properties crypto = cryptoProperties(generated);

        assertEquals(Set.of("org.apache.wss4j.crypto.provider", "org.apache.wss4j.crypto.merlin.keystore.type",
                "org.apache.wss4j.crypto.merlin.keystore.file", "org.apache.wss4j.crypto.merlin.keystore.password",
                "org.apache.wss4j.crypto.merlin.keystore.alias", "org.apache.wss4j.crypto.merlin.keystore.private.password",
                "org.vbs.crypto.grid.certificates", "org.vbs.crypto.grid.update-interval",
                "org.vbs.crypto.grid.crl-checking", "org.vbs.crypto.grid.namespace-checking",
                "org.vbs.crypto.grid.vomsdir"),
                crypto.stringPropertyNames());
        assertEquals(generated.vomsDirectory().toString(), crypto.getProperty("org.vbs.crypto.grid.vomsdir"));
        assertTrue(Files.isDirectory(generated.vomsDirectory()));
        assertEquals("org.vbs.security.grid.GridCrypto", crypto.getProperty("org.apache.wss4j.crypto.provider"));
        assertEquals("vbs-server", crypto.getProperty("org.apache.wss4j.crypto.merlin.keystore.alias"));
        assertEquals(generated.serverKeyStore().toString(), crypto.getProperty("org.apache.wss4j.crypto.merlin.keystore.file"));
        assertEquals(generated.caDirectory().toString(), crypto.getProperty("org.vbs.crypto.grid.certificates"));
        assertEquals("IF_VALID", crypto.getProperty("org.vbs.crypto.grid.crl-checking"));
        assertTrue(generated.serverKeyStore().isAbsolute());

        KeyStore keyStore = open(generated.serverKeyStore(),
                crypto.getProperty("org.apache.wss4j.crypto.merlin.keystore.password"));
        Credential server = Credential.load(generated.serverCert(), generated.serverKey());
        X509Certificate ca = single(Pem.readCertificates(generated.caCert()));
        assertEquals(List.of("vbs-server"), Collections.list(keyStore.aliases()));
        assertArrayEquals(server.privateKey().getEncoded(), keyStore.getKey("vbs-server",
                crypto.getProperty("org.apache.wss4j.crypto.merlin.keystore.private.password").toCharArray()).getEncoded());
        assertEquals(List.of(server.certificate(), ca), Arrays.asList(keyStore.getCertificateChain("vbs-server")));
    }

    @Test
    void shouldInstallTheCaAndAnEmptyCrlInTheCaDirectoryUnderOpensslHashNames() throws GeneralSecurityException,
            IOException {
        X509Certificate ca = single(Pem.readCertificates(generated.caCert()));
        String hash = CaDirectory.hash(ca, false);

        assertTrue(hash.matches("[0-9a-f]{8}"), hash);
        assertEquals(List.of(ca), Pem.readCertificates(generated.caDirectory().resolve(hash + ".0")));
        X509CRL crl;
        try (InputStream in = Files.newInputStream(generated.caDirectory().resolve(hash + ".r0"))) {
            crl = (X509CRL) CertificateFactory.getInstance("X.509").generateCRL(in);
        }
        crl.verify(ca.getPublicKey());
        assertEquals(ca.getSubjectX500Principal(), crl.getIssuerX500Principal());
        assertEquals(null, crl.getRevokedCertificates());
        assertTrue(crl.getNextUpdate().toInstant().isAfter(Instant.now().plus(Duration.ofDays(300))));
    }

    @Test
    void shouldWriteCryptoPropertiesThatWss4jLoadsAsAGridCryptoTrustingTheCaDirectory() throws WSSecurityException {
        Credential server = Credential.load(generated.serverCert(), generated.serverKey());
        Credential user = Credential.load(generated.userCert(), generated.userKey());
        Credential untrusted = operatorCa.issueUser("CN=Mallory,O=Example");

        Crypto crypto = CryptoFactory.getInstance(generated.cryptoProperties().toString());

        CryptoType byAlias = new CryptoType(CryptoType.TYPE.ALIAS);
        byAlias.setAlias("vbs-server");
        assertEquals(server.certificate(), crypto.getX509Certificates(byAlias)[0]);
        assertArrayEquals(server.privateKey().getEncoded(), crypto.getPrivateKey("vbs-server",
                cryptoProperties(generated).getProperty("org.apache.wss4j.crypto.merlin.keystore.private.password"))
                .getEncoded());
        crypto.verifyTrust(user.chain().toArray(new X509Certificate[0]), false, List.of(), List.of());
        assertThrows(WSSecurityException.class,
                () -> crypto.verifyTrust(untrusted.chain().toArray(new X509Certificate[0]), false, List.of(), List.of()));
    }

    @Test
    void shouldIssueTheServerCertificateForTheHostGiven() throws GeneralSecurityException {
        writeOperatorCa(true);

        DevPkiSetup.ensure(layout, "vbs.example.org");

        X509Certificate server = single(Pem.readCertificates(layout.serverCert()));
        assertEquals(new X500Principal("CN=vbs.example.org,OU=vbs,O=Grid"), server.getSubjectX500Principal());
        assertTrue(server.getSubjectAlternativeNames().contains(List.of(2, "vbs.example.org")));
    }

    @Test
    void shouldKeepAnOperatorsCaAndIssueWithIt() throws GeneralSecurityException {
        writeOperatorCa(true);
        Map<String, String> caFiles = FileTree.snapshot(layout.caCert().getParent());

        List<Path> created = DevPkiSetup.ensure(layout, "localhost");

        assertEquals(List.of(layout.serverCert(), layout.serverKey(), layout.userCert(), layout.userKey(),
                layout.cryptoProperties(), layout.serverKeyStore(), caFile(layout, ".0"), caFile(layout, ".r0"),
                layout.pluginSignerCert(), layout.pluginSignerKey(), layout.pluginTrustedDevSigner(),
                layout.sealingKeyStore(), layout.clusterKeyStore(), layout.vomsDirectory()), created);
        assertEquals(caFiles, FileTree.snapshot(layout.caCert().getParent()));
        CertPaths.validate(operatorCa.certificate(), Pem.readCertificates(layout.serverCert()));
        CertPaths.validate(operatorCa.certificate(), Pem.readCertificates(layout.userCert()));
    }

    @Test
    void shouldBuildOnlyTheStoresFromAnOperatorsCredentialsWithoutTheCaKey() throws IOException, GeneralSecurityException {
        writeOperatorCa(false);
        Credential server = operatorCa.issueServer("vbs.example.org");
        NewFile.writeAll(server.toPemFiles(layout.serverCert(), layout.serverKey()));
        NewFile.writeAll(operatorCa.issueUser("CN=Operator,O=Example").toPemFiles(layout.userCert(), layout.userKey()));
        Map<String, String> before = FileTree.snapshot(vbsHome);

        List<Path> created = DevPkiSetup.ensure(layout, "localhost");

        // Without the CA key there is no CRL to issue: the operator's CA publishes its own.
        assertEquals(List.of(layout.cryptoProperties(), layout.serverKeyStore(), caFile(layout, ".0"),
                layout.sealingKeyStore(), layout.clusterKeyStore(), layout.vomsDirectory()), created);
        Map<String, String> after = FileTree.snapshot(vbsHome);
        after.keySet().retainAll(before.keySet());
        assertEquals(before, after);
        KeyStore keyStore = open(layout.serverKeyStore(),
                cryptoProperties(layout).getProperty("org.apache.wss4j.crypto.merlin.keystore.password"));
        assertEquals(List.of(server.certificate(), operatorCa.certificate()),
                Arrays.asList(keyStore.getCertificateChain("vbs-server")));
    }

    @Test
    void shouldRefuseWhenACredentialMustBeIssuedButTheCaKeyIsMissing() {
        writeOperatorCa(false);

        assertRefusedLeavingNothing(layout.caKey(), "the CA key is needed to issue the server credential");
    }

    @Test
    void shouldNameAGarbledCaCertificate() throws IOException {
        writeOperatorCa(true);
        Files.writeString(layout.caCert(), "-----BEGIN CERTIFICATE-----\nMIIB#garbled#\n-----END CERTIFICATE-----\n");

        assertRefusedLeavingNothing(layout.caCert(), "not a valid PEM file");
    }

    @Test
    void shouldNameAGarbledServerKeyWhenBuildingTheKeyStore() throws IOException {
        writeOperatorCa(true);
        DevPkiSetup.ensure(layout, "localhost");
        Files.delete(layout.serverKeyStore());
        Files.writeString(layout.serverKey(), "-----BEGIN PRIVATE KEY-----\nnot a key\n-----END PRIVATE KEY-----\n");

        assertRefusedLeavingNothing(layout.serverKey(), "not a valid PEM file");
    }

    @Test
    void shouldRefuseACaKeyWithoutItsCertificate() {
        NewFile.writeAll(List.of(NewFile.secret(layout.caKey(), Pem.encodePrivateKey(operatorCa.credential().privateKey()))));

        assertRefusedLeavingNothing(layout.caCert(), "restore the CA certificate");
    }

    @Test
    void shouldRefuseHalfACredential() {
        NewFile.writeAll(List.of(NewFile.readable(layout.serverCert(), Pem.encodeCertificates(operatorCa.credential().chain()))));

        assertRefusedLeavingNothing(layout.serverKey(), "supply both, or remove " + layout.serverCert());
    }

    @Test
    void shouldRefuseStoresWhosePasswordsAreLost() throws IOException {
        writeOperatorCa(true);
        DevPkiSetup.ensure(layout, "localhost");
        Files.delete(layout.cryptoProperties());

        assertRefusedLeavingNothing(layout.serverKeyStore(), "which holds its password, does not");
    }

    @Test
    void shouldRemakeAMissingKeyStoreWithThePasswordOfCryptoProperties() throws IOException, GeneralSecurityException {
        writeOperatorCa(true);
        DevPkiSetup.ensure(layout, "localhost");
        Files.delete(layout.serverKeyStore());
        byte[] properties = Files.readAllBytes(layout.cryptoProperties());

        List<Path> created = DevPkiSetup.ensure(layout, "localhost");

        assertEquals(List.of(layout.serverKeyStore()), created);
        assertArrayEquals(properties, Files.readAllBytes(layout.cryptoProperties()));
        Properties crypto = cryptoProperties(layout);
        assertTrue(open(layout.serverKeyStore(), crypto.getProperty("org.apache.wss4j.crypto.merlin.keystore.password"))
                .isKeyEntry("vbs-server"));
    }

    @Test
    void shouldRefuseACryptoPropertiesFileThatNamesNoCaDirectory() throws IOException {
        writeOperatorCa(true);
        DevPkiSetup.ensure(layout, "localhost");
        Files.delete(layout.serverKeyStore());
        // What the last version wrote: Merlin with a trust store, no CA directory.
        Files.writeString(layout.cryptoProperties(), "org.apache.wss4j.crypto.provider=org.apache.wss4j.common.crypto.Merlin\n"
                + "org.apache.wss4j.crypto.merlin.keystore.password=secret\n");

        assertRefusedLeavingNothing(layout.cryptoProperties(), "names no CA directory");
    }

    @Test
    void shouldKeepAnOperatorsFilesInTheCaDirectory() throws IOException {
        writeOperatorCa(true);
        X509Certificate ca = operatorCa.certificate();
        Path crl = new CaDirectory(layout.caDirectory()).crlFile(ca);
        Files.createDirectories(crl.getParent());
        byte[] operatorsCrl = Pem.encodeCrl(operatorCa.issueCrl(List.of(BigInteger.TEN)));
        Files.write(crl, operatorsCrl);

        List<Path> created = DevPkiSetup.ensure(layout, "localhost");

        assertFalse(created.contains(crl));
        assertTrue(created.contains(new CaDirectory(layout.caDirectory()).certificateFile(ca)));
        assertArrayEquals(operatorsCrl, Files.readAllBytes(crl));
    }

    /** The layout's CA directory's file of its first CA, by suffix ({@code .0}, {@code .r0}). */
    static Path caFile(PkiLayout layout, String suffix) {
        X509Certificate ca = Pem.readCertificates(layout.caCert()).get(0);
        return layout.caDirectory().resolve(CaDirectory.hash(ca, false) + suffix);
    }

    @Test
    void shouldRemoveWhatItWroteWhenALaterFileCannotBeWritten() throws IOException {
        writeOperatorCa(true);
        // A plain file where the user directory belongs: the server credential is written, the
        // user credential then cannot be.
        Path blocker = Files.writeString(layout.userCert().getParent(), "in the way");

        assertRefusedLeavingNothing(blocker, "cannot create directory");
    }

    @Test
    void shouldRefuseAServerNameThatIsNoHostNameAndMakeNothing() {
        Map<String, String> before = FileTree.snapshot(vbsHome);

        assertThrows(IllegalArgumentException.class, () -> DevPkiSetup.ensure(layout, "no such host!"));

        assertEquals(before, FileTree.snapshot(vbsHome));
    }

    /** The operator's CA certificate in ca/cacert.pem, and its key in ca/cakey.pem if asked. */
    private void writeOperatorCa(boolean withKey) {
        NewFile.writeAll(withKey ? operatorCa.credential().toPemFiles(layout.caCert(), layout.caKey())
                : List.of(NewFile.readable(layout.caCert(), Pem.encodeCertificates(List.of(operatorCa.certificate())))));
    }

    private void assertRefusedLeavingNothing(Path file, String problem) {
        Map<String, String> before = FileTree.snapshot(vbsHome);

        SecurityConfigException e = assertThrows(SecurityConfigException.class, () -> DevPkiSetup.ensure(layout, "localhost"));

        assertEquals(file, e.file());
        assertTrue(e.getMessage().startsWith(file + ": "), e.getMessage());
        assertTrue(e.getMessage().contains(problem), e.getMessage());
        assertEquals(before, FileTree.snapshot(vbsHome));
    }

    private static Properties cryptoProperties(PkiLayout layout) {
        Properties properties = new Properties();
        try (InputStream in = Files.newInputStream(layout.cryptoProperties())) {
            properties.load(in);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        return properties;
    }

    private static KeyStore open(Path file, String password) throws IOException, GeneralSecurityException {
        return KeyStore.getInstance(file.toFile(), password.toCharArray());
    }

    private static X509Certificate single(List<X509Certificate> certificates) {
        assertEquals(1, certificates.size());
        return certificates.get(0);
    }

    @Test
    void shouldIssueACodeSigningPluginSignerAndTrustItForPlugins() throws Exception {
        X509Certificate signer = single(Pem.readCertificates(generated.pluginSignerCert()));
        assertEquals(new X500Principal(DevPki.PLUGIN_SIGNER_DN), signer.getSubjectX500Principal());
        assertEquals(List.of("1.3.6.1.5.5.7.3.3"), signer.getExtendedKeyUsage());
        assertEquals(List.of(signer), Pem.readCertificates(generated.pluginTrustedDevSigner()));
        assertEquals("rw-r--r--", FileTree.mode(generated.pluginTrustedDevSigner()));
    }
}
