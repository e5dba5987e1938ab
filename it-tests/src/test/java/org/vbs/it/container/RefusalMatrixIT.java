package org.vbs.it.container;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.xml.ws.WebServiceException;
import jakarta.xml.ws.soap.SOAPFaultException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.xml.namespace.QName;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.EnterpriseArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.vbs.it.support.Caller;
import org.vbs.it.support.Callers;
import org.vbs.it.support.GridCli;
import org.vbs.it.support.ItConfig;
import org.vbs.it.support.Pool;
import org.vbs.it.support.Processes;
import org.vbs.it.support.RecordingRelay;
import org.vbs.it.support.VbsEar;
import org.vbs.it.support.VisibleState;
import org.vbs.security.Credential;
import org.vbs.security.grid.GridChains;
import org.vbs.security.pki.CertificateAuthority;
import org.vbs.security.pki.DevPki;

/**
 * The credentials and messages WS-Security must refuse before any work is done, each made in the
 * test: a body changed after it was signed, an expired and a post-dated certificate of the trusted
 * CA, a certificate of an impostor CA that bears the trusted CA's name, a proxy beyond its issuer's path length, a proxy naming someone else. Each is refused as the
 * caller's fault, changes nothing its owner sees (described as the owner afterwards, with a valid
 * certificate for the same DN) and leaves an audit line; and the chains that must be accepted (a
 * proxy of a proxy) are. Unsigned calls, untrusted CAs, revocation, limited proxies and the
 * grid-mapfile are in {@link SignedAccessIT}; another owner's resources in {@link OwnershipIT} and
 * {@link AttachBadInputIT}; hostile XML in {@link HostileInputIT}.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
public class RefusalMatrixIT {
    private static final QName SOAP_CLIENT = new QName("http://schemas.xmlsoap.org/soap/envelope/", "Client");
    /** The size element of a CreateVolume body, whatever prefix the client chose. */
    private static final Pattern SIZE = Pattern.compile("(<(?:\\w+:)?size>)1(</(?:\\w+:)?size>)");

    private final Callers callers = Callers.ofArquillianServer();
    private final Pool pool = Pool.of(ItConfig.vbsHome());

    @Deployment(testable = false)
    public static EnterpriseArchive vbs() {
        return VbsEar.fromBuild();
    }

    @Test
    public void aSignedRequestWhoseBodyWasChangedIsRefusedAndTheUnchangedOneServed() throws Exception {
        // given two signed CreateVolumes of 1 GiB that a man in the middle kept from the service
        Caller owner = callers.newUser("tampered");
        RecordingRelay.Captured signed;
        RecordingRelay.Captured another;
        try (RecordingRelay interceptor = RecordingRelay.holding(ItConfig.endpoint())) {
            Caller intercepted = Callers.of(interceptor.endpoint(), ItConfig.vbsHome()).caller(owner.credential());
            assertThrows(WebServiceException.class, () -> intercepted.createVolume(1));
            assertThrows(WebServiceException.class, () -> intercepted.createVolume(1));
            signed = interceptor.captured().get(0);
            another = interceptor.captured().get(1);
        }
        VisibleState before = VisibleState.of(owner, pool);
        int auditBefore = GridCli.auditLines().size();

        // when it posts the message with the size changed to 7 GiB (header, signature, timestamp untouched)
        String body = new String(signed.body(), StandardCharsets.UTF_8);
        Matcher size = SIZE.matcher(body);
        assertTrue(size.find(), body);
        RecordingRelay.Captured changed = new RecordingRelay.Captured(
                size.replaceFirst("$17$2").getBytes(StandardCharsets.UTF_8), signed.contentType(), signed.soapAction());
        HttpResponse<String> refused = changed.replayTo(ItConfig.endpoint());

        // then the signature check refuses it as the caller's fault, nothing is made, the audit log has it
        assertEquals(500, refused.statusCode(), refused.body());
        assertTrue(refused.body().contains("soap:Client"), refused.body());
        assertRefusedAtTheDoor(auditBefore, "CreateVolume");
        assertEquals(before, VisibleState.of(owner, pool));
        // and the other message, as signed, is served: the change alone was refused (not the first
        // message itself, whose timestamp the refusal has used up)
        HttpResponse<String> served = another.replayTo(ItConfig.endpoint());
        assertEquals(200, served.statusCode(), served.body());
        Set<String> made = owner.volumeIds();
        assertEquals(1, made.size(), made.toString());
        assertEquals(1L, owner.volume(made.iterator().next()).getSize());
        owner.deleteVolume(made.iterator().next());
    }

    @Test
    public void anExpiredCertificateOfTheTrustedCaIsRefusedAndChangesNothing() throws Exception {
        Caller owner = callers.newUser("expired");
        Instant now = Instant.now();
        assertRefusedAtTheDoor(owner, GridChains.user(trustedCa(), owner.dn(), now.minus(Duration.ofDays(30)),
                now.minus(Duration.ofDays(1))));
    }

    @Test
    public void aCertificateNotValidYetIsRefusedAndChangesNothing() throws Exception {
        Caller owner = callers.newUser("post-dated");
        Instant now = Instant.now();
        assertRefusedAtTheDoor(owner, GridChains.user(trustedCa(), owner.dn(), now.plus(Duration.ofDays(1)),
                now.plus(Duration.ofDays(30))));
    }

    @Test
    public void aCertificateOfAnImpostorCaBearingTheTrustedCasNameIsRefusedAndChangesNothing() throws Exception {
        // the trusted CA's CRL sits in the server's CA directory under that name (canl once stumbled here)
        Caller owner = callers.newUser("impostor");
        CertificateAuthority impostor = DevPki.newCa(trustedCa().certificate().getSubjectX500Principal().getName());
        assertRefusedAtTheDoor(owner, impostor.issueUser(owner.dn()));
    }

    @Test
    public void aProxyOfAProxyIsServedAsTheUserBehindBoth(@TempDir Path dir) throws Exception {
        // given a user's proxy, and a proxy of that proxy (no path-length limit)
        Caller user = callers.newUser("proxy-of-proxy");
        Credential proxyOfProxy = GridChains.proxy(GridChains.proxy(user.credential(), false, -1), false, -1);
        int auditBefore = GridCli.auditLines().size();

        // when the CLI creates a volume with the second proxy
        Processes.Result created = GridCli.withProxy(GridCli.proxyFile(dir.resolve("x509up"), proxyOfProxy),
                "create-volume", "--size", "1");

        // then the volume is the user's, and the audit line names the user
        assertEquals(0, created.exitCode(), created.describe());
        Set<String> volumes = user.volumeIds();
        assertEquals(1, volumes.size(), volumes.toString());
        String volume = volumes.iterator().next();
        List<String> lines = newAuditLines(auditBefore);
        assertTrue(lines.get(0).contains("dn=\"" + user.dn() + "\" fqans=- proxy=yes op=CreateVolume resource="
                + volume + " outcome=allowed"), String.join("\n", lines));
        user.deleteVolume(volume);
    }

    @Test
    public void aProxyBeyondItsIssuersPathLengthIsRefusedAndChangesNothing(@TempDir Path dir) throws Exception {
        // a proxy that may have no proxies under it (path length 0), and a proxy of it all the same
        Caller user = callers.newUser("path-length");
        assertProxyRefused(user, GridChains.proxy(GridChains.proxy(user.credential(), false, 0), false, -1),
                dir.resolve("x509up"));
    }

    @Test
    public void aProxyWhoseSubjectNamesSomeoneElseIsRefusedAndChangesNothing(@TempDir Path dir) throws Exception {
        Caller user = callers.newUser("misnamed-proxy");
        assertProxyRefused(user, GridChains.proxyNamedAfterSomeoneElse(user.credential()), dir.resolve("x509up"));
    }

    /** A certificate for the owner's DN that must be refused, touching nothing. */
    private void assertRefusedAtTheDoor(Caller owner, Credential refusedCredential) throws Exception {
        Caller refusedCaller = callers.caller(refusedCredential);
        VisibleState before = VisibleState.of(owner, pool);
        int auditBefore = GridCli.auditLines().size();

        // when it signs a CreateVolume with the certificate
        SOAPFaultException refused = assertThrows(SOAPFaultException.class, () -> refusedCaller.createVolume(1));

        // then WS-Security refuses it as the caller's fault, the audit log has it, the owner sees nothing new
        assertEquals(SOAP_CLIENT, refused.getFault().getFaultCodeAsQName(), refused.getMessage());
        assertRefusedAtTheDoor(auditBefore, "CreateVolume");
        assertEquals(before, VisibleState.of(owner, pool));
    }

    private Credential trustedCa() {
        return Credential.load(callers.pki().caCert(), callers.pki().caKey());
    }

    private void assertProxyRefused(Caller user, Credential proxy, Path file) throws Exception {
        VisibleState before = VisibleState.of(user, pool);
        int auditBefore = GridCli.auditLines().size();

        Processes.Result refused = GridCli.withProxy(GridCli.proxyFile(file, proxy), "create-volume", "--size", "1");

        assertNotEquals(0, refused.exitCode(), refused.describe());
        assertTrue(refused.stderr().contains("Error"), refused.describe());
        assertRefusedAtTheDoor(auditBefore, "CreateVolume");
        assertEquals(before, VisibleState.of(user, pool));
    }

    /**
     * One new audit line (taken before the owner describes, whose calls have lines too): a refusal of
     * the operation by whoever it was, before any caller was known.
     */
    private static void assertRefusedAtTheDoor(int auditBefore, String operation) throws Exception {
        List<String> lines = newAuditLines(auditBefore);
        assertEquals(1, lines.size(), String.join("\n", lines));
        assertTrue(lines.get(0).contains(" request=- dn=- fqans=- proxy=- op=" + operation
                + " resource=- outcome=refused reason="), lines.get(0));
    }

    private static List<String> newAuditLines(int before) throws Exception {
        List<String> lines = GridCli.auditLines();
        return lines.subList(before, lines.size());
    }
}
