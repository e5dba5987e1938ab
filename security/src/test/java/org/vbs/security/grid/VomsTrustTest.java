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
import java.util.Optional;
import org.bouncycastle.asn1.x509.AttributeCertificate;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.italiangrid.voms.asn1.VOMSACGenerator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vbs.security.Credential;
import org.vbs.security.Fqan;
import org.vbs.security.NewFile;
import org.vbs.security.pki.CertificateAuthority;
import org.vbs.security.pki.DevPki;
import org.vbs.security.pki.VomsServer;

/**
 * VOMS attributes believed as grid services believe them, with voms-api-java on the project's
 * Bouncy Castle: an AC of a VOMS server the vomsdir lists gives the caller its FQANs; a forged,
 * expired, not yet valid, misfiled or someone else's AC refuses the chain.
 */
class VomsTrustTest {
    private static final Duration RELOAD = Duration.ofMillis(500);
    private static final List<String> ADMIN_FQANS = List.of("/myvo/Role=NULL/Capability=NULL",
            "/myvo/Role=storage-admin/Capability=NULL");

    private static CertificateAuthority ca;
    private static VomsServer voms;
    private static Credential user;

    @TempDir
    Path work;
    private TrustDirectory cas;
    private Path vomsdir;
    private VomsTrust trust;

    @BeforeAll
    static void pki() {
        ca = DevPki.newCa("CN=VOMS Test CA,O=Grid");
        voms = VomsServer.issuedBy(ca, "myvo", "voms.example.org");
        user = ca.issueUser("CN=Alice,OU=vbs,O=Grid");
    }

    @BeforeEach
    void directories() throws Exception {
        Path certificates = work.resolve("certificates");
        vomsdir = Files.createDirectories(work.resolve("vomsdir"));
        // The CA with its CRL, as the run command installs the development CA.
        CaDirectory directory = new CaDirectory(certificates);
        NewFile.writeAll(List.of(directory.certificate(ca.certificate()), directory.crl(ca.certificate(),
                ca.issueCrl(List.of())), voms.lscFile(vomsdir)));
        cas = TrustDirectory.open(new GridTrustSettings(certificates, RELOAD, CrlCheckingMode.IF_VALID,
                GridTrustSettings.DEFAULT_NAMESPACES, false));
        trust = VomsTrust.open(vomsdir, cas);
    }

    @AfterEach
    void close() {
        trust.close();
        cas.close();
    }

    @Test
    void shouldRunOnTheProjectsBouncyCastleOnly() throws Exception {
        // voms-api-java is built against bcprov-jdk15on, excluded in favour of the jdk18on build the pom pins.
        assertEquals(System.getProperty("vbs.bouncycastle.version"), new BouncyCastleProvider().getVersionStr());
        String bouncyCastleJar = BouncyCastleProvider.class.getProtectionDomain().getCodeSource().getLocation().getPath();
        assertTrue(bouncyCastleJar.contains("bcprov-jdk18on"), bouncyCastleJar);
        String generatorBouncyCastle = VOMSACGenerator.class.getClassLoader()
                .loadClass("org.bouncycastle.cert.X509v2AttributeCertificateBuilder")
                .getProtectionDomain().getCodeSource().getLocation().getPath();
        assertTrue(generatorBouncyCastle.contains("bcpkix-jdk18on"), generatorBouncyCastle);
    }

    @Test
    void shouldGiveTheFqansOfAValidAcInTheOrderTheAcListsThem() {
        Credential proxy = VomsServer.proxyWith(user, List.of(validAc(user, ADMIN_FQANS)));

        VomsTrust.VomsCheck check = trust.check(GridChains.chain(proxy));

        assertEquals(new VomsTrust.VomsCheck(List.of(Fqan.parse("/myvo"), Fqan.parse("/myvo/Role=storage-admin")),
                Optional.empty()), check);
        assertEquals(List.of("/myvo/Role=NULL/Capability=NULL", "/myvo/Role=storage-admin/Capability=NULL"),
                check.fqans().stream().map(Fqan::toString).toList());
    }

    @Test
    void shouldFindTheAcOfAVomsProxyBehindAProxyOfIt() throws Exception {
        Credential proxyOfProxy = GridChains.proxy(VomsServer.proxyWith(user, List.of(validAc(user, ADMIN_FQANS))),
                false, -1);

        assertEquals(2, trust.check(GridChains.chain(proxyOfProxy)).fqans().size());
    }

    @Test
    void shouldGiveNoFqansToAChainWithoutAc() throws Exception {
        assertEquals(new VomsTrust.VomsCheck(List.of(), Optional.empty()), trust.check(GridChains.chain(user)));
        assertEquals(new VomsTrust.VomsCheck(List.of(), Optional.empty()),
                trust.check(GridChains.chain(GridChains.proxy(user, false, -1))));
    }

    @Test
    void shouldRefuseAnAcSignedByAnImpostorOfTheListedServer() {
        // given a server with the listed server's DN and host, certified by a CA with the trusted CA's DN
        // but its own key: the .lsc names match, the signature is not the listed server's
        CertificateAuthority rogueCa = DevPki.newCa("CN=VOMS Test CA,O=Grid");
        VomsServer impostor = VomsServer.issuedBy(rogueCa, "myvo", "voms.example.org");
        AttributeCertificate forged = impostor.issue(user.certificate(), ADMIN_FQANS, Instant.now().minusSeconds(60),
                Instant.now().plusSeconds(3600));

        VomsTrust.VomsCheck check = trust.check(GridChains.chain(VomsServer.proxyWith(user, List.of(forged))));

        assertRefused(check, "VO 'myvo' from voms.example.org refused");
    }

    @Test
    void shouldRefuseAnAcOfAServerOfTheTrustedCaWhoseDnNoLscLists() {
        // given a server certified by the trusted CA, but not the one the .lsc of its VO and host names
        VomsServer unlisted = new VomsServer(ca.issueServer("rogue.example.org"), "myvo", "voms.example.org");
        AttributeCertificate ac = unlisted.issue(user.certificate(), ADMIN_FQANS, Instant.now().minusSeconds(60),
                Instant.now().plusSeconds(3600));

        VomsTrust.VomsCheck check = trust.check(GridChains.chain(VomsServer.proxyWith(user, List.of(ac))));

        assertRefused(check, "VO 'myvo' from voms.example.org refused");
    }

    @Test
    void shouldRefuseAnExpiredAcAndOneNotYetValid() {
        AttributeCertificate expired = voms.issue(user.certificate(), ADMIN_FQANS, Instant.now().minusSeconds(7200),
                Instant.now().minusSeconds(3600));
        AttributeCertificate early = voms.issue(user.certificate(), ADMIN_FQANS, Instant.now().plusSeconds(3600),
                Instant.now().plusSeconds(7200));

        assertRefused(trust.check(GridChains.chain(VomsServer.proxyWith(user, List.of(expired)))), "not valid");
        assertRefused(trust.check(GridChains.chain(VomsServer.proxyWith(user, List.of(early)))), "not valid");
    }

    @Test
    void shouldRefuseAnAcWhoseLscIsFiledUnderAnotherVo() throws Exception {
        VomsServer otherVo = new VomsServer(voms.credential(), "othervo", voms.host());
        Files.delete(voms.lscFile(vomsdir).path());
        NewFile.writeAll(List.of(otherVo.lscFile(vomsdir)));
        try (VomsTrust reread = VomsTrust.open(vomsdir, cas)) {
            VomsTrust.VomsCheck check = reread.check(GridChains.chain(VomsServer.proxyWith(user,
                    List.of(validAc(user, ADMIN_FQANS)))));

            assertRefused(check, "VO 'myvo' from voms.example.org refused");
        }
    }

    @Test
    void shouldRefuseAnAcIssuedToSomeoneElse() {
        Credential bob = ca.issueUser("CN=Bob,OU=vbs,O=Grid");
        // Alice's proxy carrying the AC the VOMS server issued to Bob
        Credential proxy = VomsServer.proxyWith(user, List.of(validAc(bob, ADMIN_FQANS)));

        assertRefused(trust.check(GridChains.chain(proxy)), "Bob");
    }

    @Test
    void shouldRefuseAllWhenOneOfSeveralAcsIsInvalid() {
        AttributeCertificate expired = voms.issue(user.certificate(), List.of("/myvo/Role=NULL/Capability=NULL"),
                Instant.now().minusSeconds(7200), Instant.now().minusSeconds(3600));
        Credential proxy = VomsServer.proxyWith(user, List.of(validAc(user, ADMIN_FQANS), expired));

        assertRefused(trust.check(GridChains.chain(proxy)), "not valid");
    }

    @Test
    void shouldBelieveAServerWhoseLscIsDroppedInWhileRunning() throws Exception {
        VomsServer later = VomsServer.issuedBy(ca, "latervo", "voms2.example.org");
        Credential proxy = VomsServer.proxyWith(user, List.of(later.issue(user.certificate(),
                List.of("/latervo/Role=NULL/Capability=NULL"), Instant.now().minusSeconds(60),
                Instant.now().plusSeconds(3600))));
        assertFalse(trust.check(GridChains.chain(proxy)).accepted());

        NewFile.writeAll(List.of(later.lscFile(vomsdir)));

        Instant deadline = Instant.now().plusSeconds(20);
        while (!trust.check(GridChains.chain(proxy)).accepted() && Instant.now().isBefore(deadline)) {
            Thread.sleep(100);
        }
        assertEquals(List.of(Fqan.parse("/latervo")), trust.check(GridChains.chain(proxy)).fqans());
    }

    @Test
    void shouldRefuseEveryAcWithoutAVomsdirAndServeChainsWithoutAc() throws Exception {
        try (VomsTrust none = VomsTrust.none()) {
            Credential proxy = VomsServer.proxyWith(user, List.of(validAc(user, ADMIN_FQANS)));

            assertRefused(none.check(GridChains.chain(proxy)), GridTrustSettings.VOMSDIR);
            assertTrue(none.check(GridChains.chain(GridChains.proxy(user, false, -1))).accepted());
        }
    }

    @Test
    void shouldRefuseAMissingVomsdirWhenOpening() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> VomsTrust.open(work.resolve("typo"), cas));
        assertTrue(e.getMessage().contains("typo"), e.getMessage());
    }

    private static AttributeCertificate validAc(Credential holder, List<String> fqans) {
        return voms.issue(holder.certificate(), fqans, Instant.now().minusSeconds(60), Instant.now().plusSeconds(3600));
    }

    private static void assertRefused(VomsTrust.VomsCheck check, String reasonPart) {
        assertFalse(check.accepted(), check.toString());
        assertEquals(List.of(), check.fqans());
        assertTrue(check.refusal().orElseThrow().contains(reasonPart), check.refusal().orElseThrow());
    }
}
