package org.vbs.security;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.Arrays;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vbs.security.pki.CertificateAuthority;
import org.vbs.security.pki.DevPki;

class CredentialTest {
    private static final char[] PASSWORD = "store password".toCharArray();

    private static CertificateAuthority ca;
    private static CertificateAuthority otherCa;
    private static Credential user;
    private static Credential otherUser;

    @TempDir
    Path dir;

    @BeforeAll
    static void makeCredentials() {
        ca = DevPki.newCa("CN=Credential Test CA,O=Grid");
        otherCa = DevPki.newCa("CN=Other CA,O=Grid");
        user = ca.issueUser("CN=Jane,O=Grid");
        otherUser = ca.issueUser("CN=John,O=Grid");
    }

    @Test
    void shouldLoadWhatItWrites() {
        Path cert = dir.resolve("usercert.pem");
        Path key = dir.resolve("userkey.pem");

        NewFile.writeAll(user.toPemFiles(cert, key));
        Credential loaded = Credential.load(cert, key);

        assertEquals(user.chain(), loaded.chain());
        assertArrayEquals(user.privateKey().getEncoded(), loaded.privateKey().getEncoded());
        assertEquals("rw-------", FileTree.mode(key));
    }

    @Test
    void shouldNameTheKeyFileWhenTheKeyIsAnotherCertificates() {
        Path cert = dir.resolve("usercert.pem");
        Path key = dir.resolve("userkey.pem");
        NewFile.writeAll(List.of(NewFile.readable(cert, Pem.encodeCertificates(user.chain())),
                NewFile.secret(key, Pem.encodePrivateKey(otherUser.privateKey()))));

        SecurityConfigException e = assertThrows(SecurityConfigException.class, () -> Credential.load(cert, key));

        assertEquals(key, e.file());
        assertTrue(e.getMessage().contains("is not the private key of the certificate in " + cert), e.getMessage());
    }

    @Test
    void shouldRefuseAKeyThatIsNotTheCertificates() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new Credential(otherUser.privateKey(), user.chain()));

        assertTrue(e.getMessage().contains("does not belong"), e.getMessage());
    }

    @Test
    void shouldRefuseAChainOutOfOrderOrEmpty() {
        assertThrows(IllegalArgumentException.class,
                () -> new Credential(user.privateKey(), List.of(user.certificate(), otherCa.certificate())));
        assertThrows(IllegalArgumentException.class, () -> new Credential(user.privateKey(), List.of()));
    }

    @Test
    void shouldExtendTheChainOnlyWithTheRealIssuer() {
        assertEquals(List.of(user.certificate(), ca.certificate()), user.withIssuer(ca.certificate()).chain());

        assertThrows(IllegalArgumentException.class, () -> user.withIssuer(otherCa.certificate()));
    }

    @Test
    void shouldNotShowTheKeyInItsText() {
        String key = Base64.getEncoder().encodeToString(user.privateKey().getEncoded());

        assertEquals("Credential[CN=Jane,O=Grid, chain of 1]", user.toString());
        assertTrue(!user.toString().contains(key.substring(0, 40)));
    }

    @Test
    void shouldPutTheCredentialIntoAPkcs12KeyStoreUnderItsAlias() throws IOException, GeneralSecurityException {
        Credential chained = user.withIssuer(ca.certificate());

        KeyStore reloaded = reload(KeyStores.encode(KeyStores.withCredential(chained, "vbs-user", PASSWORD), PASSWORD));

        assertEquals(List.of("vbs-user"), Collections.list(reloaded.aliases()));
        assertTrue(reloaded.isKeyEntry("vbs-user"));
        assertArrayEquals(user.privateKey().getEncoded(), reloaded.getKey("vbs-user", PASSWORD).getEncoded());
        assertEquals(chained.chain(), Arrays.asList(reloaded.getCertificateChain("vbs-user")));
        assertThrows(IOException.class, () -> reload(KeyStores.encode(
                KeyStores.withCredential(chained, "vbs-user", PASSWORD), "other".toCharArray())));
    }

    @Test
    void shouldPutEveryCaCertificateIntoTheTrustStoreAsTrusted() throws IOException, GeneralSecurityException {
        KeyStore reloaded = reload(KeyStores.encode(
                KeyStores.trusting(List.of(ca.certificate(), otherCa.certificate()), "vbs-ca"), PASSWORD));

        assertTrue(reloaded.isCertificateEntry("vbs-ca"));
        assertTrue(reloaded.isCertificateEntry("vbs-ca-2"));
        assertEquals(ca.certificate(), reloaded.getCertificate("vbs-ca"));
        assertEquals(otherCa.certificate(), reloaded.getCertificate("vbs-ca-2"));
        assertEquals(2, reloaded.size());
    }

    private static KeyStore reload(byte[] pkcs12) throws IOException, GeneralSecurityException {
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(new ByteArrayInputStream(pkcs12), PASSWORD);
        return store;
    }
}
