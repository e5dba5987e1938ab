package org.vbs.security;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.util.List;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.openssl.jcajce.JceOpenSSLPKCS8EncryptorBuilder;
import org.bouncycastle.openssl.jcajce.JcePEMEncryptorBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vbs.security.pki.CertificateAuthority;
import org.vbs.security.pki.DevPki;

class PemTest {
    private static final char[] PASSWORD = "correct horse".toCharArray();
    /** OpenSSL's PBE ciphers are not all in the JDK (as for decryption in {@link Pem}). */
    private static final BouncyCastleProvider BC = new BouncyCastleProvider();

    private static CertificateAuthority ca;
    private static Credential user;

    @TempDir
    Path dir;

    @BeforeAll
    static void makeCredentials() {
        ca = DevPki.newCa("CN=PEM Test CA,O=Grid");
        user = ca.issueUser("/O=Grid/CN=PEM User");
    }

    @Test
    void shouldReadBackTheCertificatesItWrites() throws IOException {
        Path file = write("chain.pem", Pem.encodeCertificates(List.of(user.certificate(), ca.certificate())));

        assertEquals(List.of(user.certificate(), ca.certificate()), Pem.readCertificates(file));
    }

    @Test
    void shouldWriteKeysAsPkcs8AndReadThemBack() throws IOException {
        byte[] pem = Pem.encodePrivateKey(user.privateKey());

        assertTrue(new String(pem, StandardCharsets.US_ASCII).startsWith("-----BEGIN PRIVATE KEY-----\n"));
        assertKeyEquals(user.privateKey(), Pem.readPrivateKey(write("key.pem", pem)));
    }

    @Test
    void shouldReadTraditionalRsaKeysAsGridToolsWriteThem() throws IOException {
        String pem = pem(user.privateKey());

        assertTrue(pem.startsWith("-----BEGIN RSA PRIVATE KEY-----\n"), pem.lines().findFirst().orElseThrow());
        assertKeyEquals(user.privateKey(), Pem.readPrivateKey(write("userkey.pem", pem)));
    }

    @Test
    void shouldDecryptAnEncryptedTraditionalKeyWithItsPassword() throws IOException {
        StringWriter text = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(text)) {
            writer.writeObject(user.privateKey(), new JcePEMEncryptorBuilder("AES-256-CBC").setProvider(BC).build(PASSWORD));
        }
        Path file = write("userkey.pem", text.toString());

        assertTrue(text.toString().contains("Proc-Type: 4,ENCRYPTED"));
        assertKeyEquals(user.privateKey(), Pem.readPrivateKey(file, PASSWORD));
        assertRefused(file, "a pass phrase is needed", () -> Pem.readPrivateKey(file));
        assertRefused(file, "wrong pass phrase", () -> Pem.readPrivateKey(file, "wrong".toCharArray()));
    }

    @Test
    void shouldDecryptAnEncryptedPkcs8KeyWithItsPassword() throws IOException, OperatorCreationException {
        StringWriter text = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(text)) {
            writer.writeObject(new JcaPKCS8Generator(user.privateKey(),
                    new JceOpenSSLPKCS8EncryptorBuilder(JcaPKCS8Generator.AES_256_CBC).setProvider(BC)
                            .setPassword(PASSWORD).build()));
        }
        Path file = write("userkey.pem", text.toString());

        assertTrue(text.toString().startsWith("-----BEGIN ENCRYPTED PRIVATE KEY-----"));
        assertKeyEquals(user.privateKey(), Pem.readPrivateKey(file, PASSWORD));
        assertRefused(file, "a pass phrase is needed", () -> Pem.readPrivateKey(file));
        assertRefused(file, "wrong pass phrase", () -> Pem.readPrivateKey(file, "wrong".toCharArray()));
    }

    @Test
    void shouldAskForThePassPhraseOnlyForAnEncryptedKeyAndWipeItAfterUse() throws IOException {
        StringWriter text = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(text)) {
            writer.writeObject(user.privateKey(), new JcePEMEncryptorBuilder("AES-256-CBC").setProvider(BC).build(PASSWORD));
        }
        Path encrypted = write("userkey.pem", text.toString());
        Path plain = write("plainkey.pem", Pem.encodePrivateKey(user.privateKey()));
        List<char[]> asked = new java.util.ArrayList<>();

        assertKeyEquals(user.privateKey(), Pem.readPrivateKey(plain, () -> {
            throw new AssertionError("asked for the pass phrase of an unencrypted key");
        }));
        assertKeyEquals(user.privateKey(), Pem.readPrivateKey(encrypted, () -> {
            asked.add(PASSWORD.clone());
            return asked.get(0);
        }));
        assertEquals(1, asked.size());
        assertArrayEquals(new char[PASSWORD.length], asked.get(0), "the pass phrase is wiped once used");
    }

    @Test
    void shouldFindCertificateAndKeyInOneFileAsInAProxyFile() throws IOException {
        Path file = write("x509up", pem(user.certificate()) + pem(user.privateKey()) + pem(ca.certificate()));

        assertEquals(List.of(user.certificate(), ca.certificate()), Pem.readCertificates(file));
        assertKeyEquals(user.privateKey(), Pem.readPrivateKey(file));
    }

    @Test
    void shouldNameAMissingFile() {
        Path missing = dir.resolve("usercert.pem");

        assertRefused(missing, "no such file", () -> Pem.readCertificates(missing));
        assertRefused(missing, "no such file", () -> Pem.readPrivateKey(missing));
    }

    @Test
    void shouldNameAFileWithGarbledBase64() throws IOException {
        Path file = write("usercert.pem", "-----BEGIN CERTIFICATE-----\nMIIB*not base64*\n-----END CERTIFICATE-----\n");

        assertRefused(file, "not a valid PEM file", () -> Pem.readCertificates(file));
    }

    @Test
    void shouldNameATruncatedFile() throws IOException {
        String pem = pem(user.certificate());
        Path file = write("usercert.pem", pem.substring(0, pem.length() / 2));

        assertRefused(file, "not a valid PEM file", () -> Pem.readCertificates(file));
    }

    @Test
    void shouldNameAFileHoldingNoCertificateOrNoKey() throws IOException {
        Path keyOnly = write("userkey.pem", Pem.encodePrivateKey(user.privateKey()));
        Path certificateOnly = write("usercert.pem", Pem.encodeCertificates(List.of(user.certificate())));
        Path text = write("notes.txt", "no PEM here\n");

        assertRefused(keyOnly, "holds no certificate", () -> Pem.readCertificates(keyOnly));
        assertRefused(certificateOnly, "holds no private key", () -> Pem.readPrivateKey(certificateOnly));
        assertRefused(text, "holds no certificate", () -> Pem.readCertificates(text));
    }

    static void assertRefused(Path file, String problem, Runnable read) {
        SecurityConfigException e = assertThrows(SecurityConfigException.class, read::run);
        assertEquals(file, e.file());
        assertTrue(e.getMessage().startsWith(file + ": "), e.getMessage());
        assertTrue(e.getMessage().contains(problem), e.getMessage());
    }

    private static void assertKeyEquals(PrivateKey expected, PrivateKey actual) {
        assertArrayEquals(expected.getEncoded(), actual.getEncoded());
    }

    private static String pem(Object object) throws IOException {
        StringWriter text = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(text)) {
            writer.writeObject(object);
        }
        return text.toString();
    }

    private Path write(String name, String content) throws IOException {
        return write(name, content.getBytes(StandardCharsets.US_ASCII));
    }

    private Path write(String name, byte[] content) throws IOException {
        return Files.write(dir.resolve(name), content);
    }
}
