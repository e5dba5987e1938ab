package org.vbs.security.pki;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.security.interfaces.RSAPublicKey;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import javax.security.auth.x500.X500Principal;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.vbs.security.Credential;
import org.vbs.security.GridIdentity;

class DevPkiTest {
    private static CertificateAuthority ca;

    @BeforeAll
    static void makeCa() {
        ca = DevPki.newCa("/O=Grid/OU=vbs/CN=Unit Test CA");
    }

    @Test
    void shouldMakeASelfSignedCaCertificate() throws Exception {
        X509Certificate certificate = ca.certificate();

        assertEquals(new X500Principal("CN=Unit Test CA,OU=vbs,O=Grid"), certificate.getSubjectX500Principal());
        assertEquals(certificate.getSubjectX500Principal(), certificate.getIssuerX500Principal());
        certificate.verify(certificate.getPublicKey());
        assertTrue(certificate.getBasicConstraints() >= 0);
        assertTrue(certificate.getCriticalExtensionOIDs().containsAll(Set.of("2.5.29.19", "2.5.29.15")));
        // keyUsage: keyCertSign (5) and cRLSign (6) only.
        assertEquals(List.of(false, false, false, false, false, true, true), keyUsage(certificate).subList(0, 7));
        assertEquals("SHA256withRSA", certificate.getSigAlgName());
        assertEquals(3072, ((RSAPublicKey) certificate.getPublicKey()).getModulus().bitLength());
        assertEquals(DevPki.CA_VALIDITY, validity(certificate));
    }

    @Test
    void shouldIssueAUserCertificateThatValidatesToTheCa() throws Exception {
        Credential user = ca.issueUser("/O=Grid/OU=vbs/CN=Jane Doe");
        X509Certificate certificate = user.certificate();

        CertPaths.validate(ca.certificate(), user.chain());
        assertEquals(GridIdentity.parse("CN=Jane Doe,OU=vbs,O=Grid"), GridIdentity.of(certificate.getSubjectX500Principal()));
        assertEquals(-1, certificate.getBasicConstraints());
        assertEquals(List.of("1.3.6.1.5.5.7.3.2"), certificate.getExtendedKeyUsage());
        // keyUsage: digitalSignature (0) and keyEncipherment (2).
        assertEquals(List.of(true, false, true, false, false, false, false), keyUsage(certificate).subList(0, 7));
        assertEquals(2048, ((RSAPublicKey) certificate.getPublicKey()).getModulus().bitLength());
        assertEquals(DevPki.USER_VALIDITY, validity(certificate));
    }

    @Test
    void shouldIssueAServerCertificateForTheHostAndLoopback() throws Exception {
        X509Certificate certificate = ca.issueServer("vbs.example.org").certificate();

        assertEquals(new X500Principal("CN=vbs.example.org,OU=vbs,O=Grid"), certificate.getSubjectX500Principal());
        assertEquals(Set.of(List.of(2, "vbs.example.org"), List.of(2, "localhost"), List.of(7, "127.0.0.1")),
                altNames(certificate));
        assertEquals(List.of("1.3.6.1.5.5.7.3.1", "1.3.6.1.5.5.7.3.2"), certificate.getExtendedKeyUsage());
        assertEquals(DevPki.SERVER_VALIDITY, validity(certificate));
        assertEquals(Set.of(List.of(2, "localhost"), List.of(7, "127.0.0.1")),
                altNames(ca.issueServer("localhost").certificate()));
        assertEquals(Set.of(List.of(7, "10.1.2.3"), List.of(2, "localhost"), List.of(7, "127.0.0.1")),
                altNames(ca.issueServer("10.1.2.3").certificate()));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "bad host", "-vbs.example.org", "vbs..example.org", "vbs.example.org,O=Evil", "h\u00f6st"})
    void shouldRefuseAServerNameThatIsNoHostName(String host) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ca.issueServer(host));

        assertTrue(e.getMessage().contains("'" + host + "'"), e.getMessage());
    }

    @Test
    void shouldGiveEveryCertificateItsOwnRandomSerial() {
        Set<BigInteger> serials = new HashSet<>();
        for (int i = 0; i < 3; i++) {
            BigInteger serial = ca.issueUser("CN=User " + i).certificate().getSerialNumber();
            assertTrue(serial.signum() > 0 && serial.bitLength() <= 128, serial.toString(16));
            serials.add(serial);
        }
        assertEquals(3, serials.size());
    }

    @Test
    void shouldNotLetACertificateOutliveItsCa() {
        var keys = CertificateBuilder.newRsaKeyPair(2048);
        X509Certificate shortLived = CertificateBuilder.selfSignedCa(new X500Principal("CN=Short CA"), keys, Duration.ofDays(30));
        CertificateAuthority shortCa = new CertificateAuthority(new Credential(keys.getPrivate(), List.of(shortLived)));

        X509Certificate user = shortCa.issueUser("CN=User").certificate();

        assertEquals(shortLived.getNotAfter(), user.getNotAfter());
    }

    @Test
    void shouldMakeCertificatesThatAnotherCaDoesNotValidate() {
        Credential untrusted = DevPki.newCa("CN=Untrusted CA,O=Grid").issueUser("CN=Mallory,O=Grid");

        assertThrows(CertPathValidatorException.class, () -> CertPaths.validate(ca.certificate(), untrusted.chain()));
        assertDoesNotThrow(() -> CertPaths.validate(ca.certificate(), ca.issueUser("CN=Alice,O=Grid").chain()));
    }

    @Test
    void shouldRefuseToIssueWithACredentialThatIsNoCa() {
        Credential user = ca.issueUser("CN=Not A CA");

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new CertificateAuthority(user));

        assertTrue(e.getMessage().contains("is not a CA certificate"), e.getMessage());
    }

    private static List<Boolean> keyUsage(X509Certificate certificate) {
        List<Boolean> bits = new ArrayList<>();
        for (boolean bit : certificate.getKeyUsage()) {
            bits.add(bit);
        }
        while (bits.size() < 9) {
            bits.add(false);
        }
        return bits;
    }

    private static Duration validity(X509Certificate certificate) {
        return Duration.between(certificate.getNotBefore().toInstant(), certificate.getNotAfter().toInstant());
    }

    private static Set<List<?>> altNames(X509Certificate certificate) throws CertificateParsingException {
        return new HashSet<>(certificate.getSubjectAlternativeNames());
    }
}
