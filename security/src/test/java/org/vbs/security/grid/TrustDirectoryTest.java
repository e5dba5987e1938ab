package org.vbs.security.grid;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import eu.emi.security.authn.x509.CrlCheckingMode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Properties;
import java.util.function.BooleanSupplier;
import org.apache.wss4j.common.crypto.Crypto;
import org.apache.wss4j.common.crypto.CryptoFactory;
import org.apache.wss4j.common.ext.WSSecurityException;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vbs.security.Credential;
import org.vbs.security.NewFile;
import org.vbs.security.pki.CertificateAuthority;
import org.vbs.security.pki.DevPki;

/**
 * Trust from a grid CA directory, with canl on the project's Bouncy Castle: what is accepted
 * (certificates and RFC 3820 proxy chains of a CA in the directory, as the directory is now) and
 * what is refused (other CAs, revoked, expired or not yet valid anywhere in the chain, malformed
 * proxies, path lengths exceeded).
 */
class TrustDirectoryTest {
    private static final Duration RELOAD = Duration.ofMillis(500);

    private static CertificateAuthority ca;
    private static CertificateAuthority otherCa;
    private static Credential user;

    @TempDir
    Path directory;
    private TrustDirectory trust;

    @BeforeAll
    static void pki() {
        ca = DevPki.newCa("CN=Trust Test CA,O=Grid");
        otherCa = DevPki.newCa("CN=Other CA,O=Elsewhere");
        user = ca.issueUser("CN=Alice,OU=vbs,O=Grid");
    }

    @BeforeEach
    void directoryWithTheCa() {
        NewFile.writeAll(List.of(new CaDirectory(directory).certificate(ca.certificate())));
        trust = TrustDirectory.open(new GridTrustSettings(directory, RELOAD, CrlCheckingMode.IF_VALID,
                GridTrustSettings.DEFAULT_NAMESPACES, false));
    }

    @AfterEach
    void close() {
        trust.close();
    }

    @Test
    void shouldRunOnTheProjectsBouncyCastle() {
        // canl is built against Bouncy Castle 1.71; every test here runs it on the version the pom pins.
        assertEquals(System.getProperty("vbs.bouncycastle.version"), new BouncyCastleProvider().getVersionStr());
    }

    @Test
    void shouldTrustAUserOfTheCaAndRefuseAUserOfAnotherCa() {
        assertEquals(new TrustDirectory.ChainCheck(true, List.of()), trust.check(GridChains.chain(user)));

        TrustDirectory.ChainCheck stranger = trust.check(GridChains.chain(otherCa.issueUser("CN=Mallory,O=Elsewhere")));

        assertFalse(stranger.trusted());
        assertFalse(stranger.problems().isEmpty());
    }

    @Test
    void shouldRefuseAUserOfAnImpostorCaNamedLikeTheTrustedOneWhoseCrlIsInTheDirectory() throws Exception {
        // The trusted CA's CRL is where canl looks for the impostor's, under the same name (canl
        // stumbles over it with a NullPointerException: a refusal all the same, never an error).
        NewFile.writeAll(List.of(new CaDirectory(directory).crl(ca.certificate(), ca.issueCrl(List.of()))));
        awaitTrue(() -> trust.check(GridChains.chain(user)).trusted());
        CertificateAuthority impostor = DevPki.newCa(ca.certificate().getSubjectX500Principal().getName());

        TrustDirectory.ChainCheck check = trust.check(GridChains.chain(impostor.issueUser("CN=Alice,OU=vbs,O=Grid")));

        assertFalse(check.trusted());
        assertFalse(check.problems().isEmpty());
    }

    @Test
    void shouldTrustACaDroppedIntoTheDirectoryWithoutARestart() throws Exception {
        Credential stranger = otherCa.issueUser("CN=Bob,O=Elsewhere");
        assertFalse(trust.check(GridChains.chain(stranger)).trusted());

        NewFile.writeAll(List.of(new CaDirectory(directory).certificate(otherCa.certificate())));

        awaitTrue(() -> trust.check(GridChains.chain(stranger)).trusted());
    }

    @Test
    void shouldRefuseACertificateOnceACrlRevokingItIsDroppedIn() throws Exception {
        Credential other = ca.issueUser("CN=Carol,OU=vbs,O=Grid");
        NewFile.writeAll(List.of(new CaDirectory(directory).crl(ca.certificate(), ca.issueCrl(List.of()))));
        awaitTrue(() -> trust.check(GridChains.chain(user)).trusted());

        Path crl = new CaDirectory(directory).crlFile(ca.certificate());
        Files.delete(crl);
        NewFile.writeAll(List.of(new CaDirectory(directory).crl(ca.certificate(),
                ca.issueCrl(List.of(user.certificate().getSerialNumber())))));

        awaitTrue(() -> !trust.check(GridChains.chain(user)).trusted());
        assertTrue(trust.check(GridChains.chain(other)).trusted(), "only the revoked serial is refused");
        // A proxy of the revoked user is refused too: revocation counts anywhere in the chain.
        assertFalse(trust.check(GridChains.chain(GridChains.proxy(user, false, -1))).trusted());
    }

    @Test
    void shouldRefuseExpiredAndNotYetValidCertificatesAnywhereInTheChain() throws Exception {
        Instant now = Instant.now();
        Credential expired = GridChains.user(ca.credential(), "CN=Old,OU=vbs,O=Grid", now.minus(Duration.ofDays(30)),
                now.minus(Duration.ofDays(1)));
        Credential early = GridChains.user(ca.credential(), "CN=Early,OU=vbs,O=Grid", now.plus(Duration.ofDays(1)),
                now.plus(Duration.ofDays(30)));
        Credential current = GridChains.user(ca.credential(), "CN=Current,OU=vbs,O=Grid", now.minus(Duration.ofDays(1)),
                now.plus(Duration.ofDays(30)));

        assertFalse(trust.check(GridChains.chain(expired)).trusted());
        assertFalse(trust.check(GridChains.chain(early)).trusted());
        assertTrue(trust.check(GridChains.chain(current)).trusted(), "the same issuing, in its validity, is trusted");
        // A fresh proxy does not revive the expired certificate it hangs from.
        assertFalse(trust.check(new java.security.cert.X509Certificate[] {
                GridChains.proxy(current, false, -1).certificate(), expired.certificate()}).trusted());
    }

    @Test
    void shouldTrustRfc3820ProxiesAndProxiesOfProxies() throws Exception {
        Credential proxy = GridChains.proxy(user, false, -1);
        Credential proxyOfProxy = GridChains.proxy(proxy, false, -1);

        assertTrue(trust.check(GridChains.chain(proxy)).trusted());
        assertTrue(trust.check(GridChains.chain(proxyOfProxy)).trusted());
        assertTrue(trust.check(GridChains.chain(GridChains.proxy(user, true, -1))).trusted(), "limited proxies too");
        assertEquals(3, proxyOfProxy.chain().size());
    }

    @Test
    void shouldRefuseAProxyBeyondItsIssuersPathLength() throws Exception {
        Credential lastAllowed = GridChains.proxy(user, false, 0);
        Credential beyond = GridChains.proxy(lastAllowed, false, -1);

        assertTrue(trust.check(GridChains.chain(lastAllowed)).trusted());
        assertFalse(trust.check(GridChains.chain(beyond)).trusted());
    }

    @Test
    void shouldRefuseAProxyWhoseSubjectIsNotItsIssuersPlusOneName() throws Exception {
        assertFalse(trust.check(GridChains.chain(GridChains.proxyNamedAfterSomeoneElse(user))).trusted());
    }

    @Test
    void shouldReadADirectoryWithOnlyTheLegacyMd5HashNamesWhenSoSet() throws Exception {
        Path legacy = Files.createDirectory(directory.resolve("legacy"));
        Files.copy(new CaDirectory(directory).certificateFile(ca.certificate()),
                legacy.resolve(CaDirectory.hash(ca.certificate(), true) + ".0"));
        GridTrustSettings current = GridTrustSettings.of(legacy);

        try (TrustDirectory asLegacy = TrustDirectory.open(new GridTrustSettings(legacy, RELOAD, CrlCheckingMode.IF_VALID,
                GridTrustSettings.DEFAULT_NAMESPACES, true)); TrustDirectory asCurrent = TrustDirectory.open(current)) {
            assertTrue(asLegacy.check(GridChains.chain(user)).trusted());
            assertFalse(asCurrent.check(GridChains.chain(user)).trusted(), "the names the setting says are read");
        }
    }

    @Test
    void shouldRefuseToOpenADirectoryThatDoesNotExist() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> TrustDirectory.open(GridTrustSettings.of(directory.resolve("typo"))));
        assertTrue(e.getMessage().contains("typo"), e.getMessage());
    }

    @Test
    void shouldBeTheTrustOfAGridCryptoLoadedFromCryptoProperties() throws Exception {
        Properties properties = new Properties();
        properties.setProperty("org.apache.wss4j.crypto.provider", GridCrypto.PROVIDER_NAME);
        properties.setProperty(GridTrustSettings.CERTIFICATES, directory.toString());

        Crypto crypto = CryptoFactory.getInstance(properties);

        assertEquals(GridCrypto.class, crypto.getClass());
        assertEquals(GridCrypto.PROVIDER_NAME, GridCrypto.class.getName());
        crypto.verifyTrust(GridChains.chain(GridChains.proxy(user, false, -1)), true, List.of(), List.of());
        assertThrows(WSSecurityException.class, () -> crypto.verifyTrust(
                GridChains.chain(otherCa.issueUser("CN=Mallory,O=Elsewhere")), true, List.of(), List.of()));
        assertThrows(WSSecurityException.class, () -> crypto.verifyTrust(GridChains.chain(user), true,
                List.of(java.util.regex.Pattern.compile("CN=Somebody,.*")), List.of()), "subject constraints hold");
        assertThrows(WSSecurityException.class, () -> crypto.verifyTrust(user.certificate().getPublicKey()));
    }

    @Test
    void shouldNameTheKeyOfAWrongSetting() {
        Properties properties = new Properties();
        properties.setProperty(GridTrustSettings.CERTIFICATES, directory.toString());
        properties.setProperty(GridTrustSettings.CRL_CHECKING, "sometimes");

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> GridTrustSettings.from(properties));

        assertTrue(e.getMessage().contains(GridTrustSettings.CRL_CHECKING), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> GridTrustSettings.from(new Properties()));
    }

    private static void awaitTrue(BooleanSupplier condition) throws InterruptedException {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(20));
        while (!condition.getAsBoolean()) {
            assertTrue(Instant.now().isBefore(deadline), "not within 20 s of the directory changing");
            Thread.sleep(100);
        }
    }
}
