package org.vbs.it.container;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;
import org.bouncycastle.asn1.x509.AttributeCertificate;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.EnterpriseArchive;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.vbs.it.support.Await;
import org.vbs.it.support.Caller;
import org.vbs.it.support.Callers;
import org.vbs.it.support.GridCli;
import org.vbs.it.support.ItConfig;
import org.vbs.it.support.Pool;
import org.vbs.it.support.Processes;
import org.vbs.it.support.VbsEar;
import org.vbs.it.support.VbsHomes;
import org.vbs.it.support.VisibleState;
import org.vbs.security.Credential;
import org.vbs.security.NewFile;
import org.vbs.security.pki.CertificateAuthority;
import org.vbs.security.pki.DevPki;
import org.vbs.security.pki.PkiLayout;
import org.vbs.security.pki.VomsServer;

/**
 * VOMS proxies against the running server: a VOMS server the test makes (certified by the server's
 * CA) is put into the server's vomsdir as an .lsc file and its administrator role into the admin
 * list; a proxy carrying that role describes another user's volumes (and still may not delete
 * them); a proxy whose VOMS attributes are forged or expired is refused with the generic fault,
 * changes nothing and leaves an audit line saying why.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
public class VomsAccessIT {
    private static final String VO = "vbsit";
    private static final String ADMIN_ROLE = "/" + VO + "/Role=storage-admin";
    private static final List<String> ADMIN_FQANS = List.of("/" + VO + "/Role=NULL/Capability=NULL",
            "/" + VO + "/Role=storage-admin/Capability=NULL");

    private final Callers callers = Callers.ofArquillianServer();
    private final Pool pool = Pool.of(ItConfig.vbsHome());
    private final CertificateAuthority ca = new CertificateAuthority(Credential.load(callers.pki().caCert(),
            callers.pki().caKey()));
    private final Path admins = ItConfig.vbsHome().resolve(VbsHomes.ADMINS_FILE);
    private final List<String> created = new ArrayList<>();
    private Caller owner;
    private String adminsBefore;
    private VomsServer voms;

    @TempDir
    Path dir;

    @Deployment(testable = false)
    public static EnterpriseArchive vbs() {
        return VbsEar.fromBuild();
    }

    /** A VOMS server of the test's own (a host name no other test uses) believed by the server, its admin role listed. */
    @BeforeEach
    void believedVomsServerWithListedAdminRole() throws Exception {
        voms = VomsServer.issuedBy(ca, VO, "voms-" + UUID.randomUUID().toString().substring(0, 8) + ".example.org");
        NewFile.writeAll(List.of(voms.lscFile(PkiLayout.under(ItConfig.vbsHome()).vomsDirectory())));
        adminsBefore = Files.readString(admins, StandardCharsets.UTF_8);
        Files.writeString(admins, adminsBefore + ADMIN_ROLE + "\n", StandardCharsets.UTF_8);
        owner = callers.newUser("voms-owner");
        created.add(owner.createVolume(1).getVolumeId());
        owner.awaitVolume(created.get(0), "available");
    }

    @AfterEach
    void restore() throws Exception {
        Files.writeString(admins, adminsBefore, StandardCharsets.UTF_8);
        Files.delete(voms.lscFile(PkiLayout.under(ItConfig.vbsHome()).vomsDirectory()).path());
        owner.deleteVolumes(created.toArray(new String[0]));
    }

    @Test
    public void aVomsProxyWithTheListedAdminRoleDescribesAnotherUsersVolumeButMayNotDeleteIt() throws Exception {
        // given a user with a VOMS proxy holding the administrator role the admin list names
        Caller admin = callers.newUser("voms-admin");
        Path proxy = vomsProxy("admin", admin, voms.issue(admin.credential().certificate(), ADMIN_FQANS,
                Instant.now().minusSeconds(60), Instant.now().plusSeconds(3600)));
        String volume = created.get(0);
        long before = GridCli.auditLines().size();

        // when it describes volumes (once the server has read the new .lsc file, within its update interval)
        Processes.Result described = awaitServed(proxy, volume);
        Processes.Result refusedDelete = GridCli.withProxy(proxy, "delete-volume", volume);

        // then it sees the other user's volume, may not delete it, and the audit log names its FQANs
        assertEquals(0, described.exitCode(), described.describe());
        assertEquals(1, refusedDelete.exitCode(), refusedDelete.describe());
        assertTrue(refusedDelete.stderr().contains("InvalidVolume.NotFound"), refusedDelete.describe());
        assertEquals(volume, owner.volume(volume).getVolumeId());
        List<String> lines = GridCli.auditLines().subList((int) before, GridCli.auditLines().size());
        String fqans = " fqans=\"" + String.join(",", ADMIN_FQANS) + "\" proxy=yes ";
        assertTrue(lines.stream().anyMatch(line -> line.contains("dn=\"" + admin.dn() + "\"" + fqans
                + "op=DescribeVolumes resource=- outcome=allowed")), String.join("\n", lines));
        assertTrue(lines.stream().anyMatch(line -> line.contains(fqans + "op=DeleteVolume resource=" + volume
                + " outcome=refused reason=\"InvalidVolume.NotFound: ")), String.join("\n", lines));
    }

    @Test
    public void aForgedOrExpiredVomsAttributeIsRefusedChangesNothingAndIsAudited() throws Exception {
        // given a server believing the test's VOMS server (shown by a genuine admin proxy being served)
        Caller user = callers.newUser("voms-refused");
        awaitServed(vomsProxy("genuine", user, voms.issue(user.credential().certificate(), ADMIN_FQANS,
                Instant.now().minusSeconds(60), Instant.now().plusSeconds(3600))), created.get(0));
        // and proxies of the same user whose ACs claim the admin role: one signed by an impostor of the
        // VOMS server (same VO, host and names, certified by a CA with the server CA's name but its own
        // key), one genuine but expired
        VomsServer impostor = VomsServer.issuedBy(DevPki.newCa(ca.certificate().getSubjectX500Principal().getName()),
                VO, voms.host());
        Path forged = vomsProxy("forged", user, impostor.issue(user.credential().certificate(), ADMIN_FQANS,
                Instant.now().minusSeconds(60), Instant.now().plusSeconds(3600)));
        Path expired = vomsProxy("expired", user, voms.issue(user.credential().certificate(), ADMIN_FQANS,
                Instant.now().minusSeconds(7200), Instant.now().minusSeconds(3600)));
        VisibleState before = VisibleState.of(user, pool);
        VisibleState ownersBefore = VisibleState.of(owner, pool);
        long lineCount = GridCli.auditLines().size();

        // when each describes and creates
        List<Processes.Result> results = new ArrayList<>();
        for (Path refused : List.of(forged, expired)) {
            results.add(GridCli.withProxy(refused, "describe-volumes"));
            results.add(GridCli.withProxy(refused, "create-volume", "--size", "1"));
        }

        // then every call gets the generic refusal, nothing changed for the user or the owner
        for (Processes.Result result : results) {
            assertEquals(1, result.exitCode(), result.describe());
            assertTrue(result.stderr().contains("UnauthorizedOperation"), result.describe());
            assertFalse(result.stdout().contains(created.get(0)), result.describe());
        }
        List<String> lines = GridCli.auditLines().subList((int) lineCount, GridCli.auditLines().size());
        assertEquals(before, VisibleState.of(user, pool));
        assertEquals(ownersBefore, VisibleState.of(owner, pool));
        // and each has its audit line with the caller, no FQANs and the reason
        assertEquals(4, lines.size(), String.join("\n", lines));
        String refusedPrefix = "outcome=refused reason=\"UnauthorizedOperation: VOMS attribute certificate of VO '"
                + VO + "' from " + voms.host() + " refused: ";
        for (int i = 0; i < 4; i++) {
            String op = i % 2 == 0 ? "DescribeVolumes" : "CreateVolume";
            assertTrue(Pattern.compile(Pattern.quote("dn=\"" + user.dn() + "\" fqans=- proxy=yes op=" + op
                    + " resource=- " + refusedPrefix)).matcher(lines.get(i)).find(), lines.get(i));
        }
        assertTrue(lines.get(2).contains("not valid"), lines.get(2));
        assertTrue(lines.get(3).contains("not valid"), lines.get(3));
    }

    /** Polls describe-volumes with the proxy until it shows the volume: the server re-reads the vomsdir every 10 s. */
    private static Processes.Result awaitServed(Path proxy, String volume) throws Exception {
        List<Processes.Result> last = new ArrayList<>(List.of());
        return Await.until("a VOMS admin proxy's describe-volumes showing " + volume, Duration.ofSeconds(60), () -> {
            Processes.Result result = GridCli.withProxy(proxy, "describe-volumes");
            last.clear();
            last.add(result);
            return result.exitCode() == 0 && result.stdout().contains(volume) ? Optional.of(result) : Optional.empty();
        }, () -> last.isEmpty() ? "nothing" : last.get(0).describe());
    }

    /** A proxy credential file of the caller carrying the AC, as voms-proxy-init writes it. */
    private Path vomsProxy(String name, Caller caller, AttributeCertificate ac) throws IOException {
        return GridCli.proxyFile(dir.resolve("x509up_" + name), VomsServer.proxyWith(caller.credential(), List.of(ac)));
    }
}
