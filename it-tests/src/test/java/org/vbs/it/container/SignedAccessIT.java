package org.vbs.it.container;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.xml.ws.soap.SOAPFaultException;
import java.io.ByteArrayInputStream;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import javax.xml.namespace.QName;
import javax.xml.parsers.DocumentBuilderFactory;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.openssl.jcajce.JceOpenSSLPKCS8EncryptorBuilder;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.EnterpriseArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.vbs.it.client.CreateVolumeResponseType;
import org.vbs.it.client.VbsFault;
import org.vbs.it.support.Await;
import org.vbs.it.support.Caller;
import org.vbs.it.support.GridCli;
import org.vbs.it.support.Callers;
import org.vbs.it.support.ItConfig;
import org.vbs.it.support.Pool;
import org.vbs.it.support.Processes;
import org.vbs.it.support.VbsEar;
import org.vbs.it.support.VisibleState;
import org.vbs.security.NewFile;
import org.vbs.security.grid.GridChains;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

/**
 * Only signed calls from certificates of a trusted CA get in, and the published contract says so.
 * The policy can vanish silently (a deployment missing a module dependency dropped it, and the
 * endpoint then took unsigned calls): these tests are what notices.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
public class SignedAccessIT {
    private static final String WSP = "http://www.w3.org/ns/ws-policy";
    private static final String SP = "http://docs.oasis-open.org/ws-sx/ws-securitypolicy/200702";
    private static final String WSU =
            "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd";
    private static final String WSDL = "http://schemas.xmlsoap.org/wsdl/";
    private static final String SOAP_ENV = "http://schemas.xmlsoap.org/soap/envelope/";
    /**
     * The fault code of a message WS-Security refused: the caller's fault (soap:Client); the fault
     * says no more than that, on purpose.
     */
    private static final QName SOAP_CLIENT = new QName(SOAP_ENV, "Client");

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private final Callers callers = Callers.ofArquillianServer();
    private final Pool pool = Pool.of(ItConfig.vbsHome());

    @Deployment(testable = false)
    public static EnterpriseArchive vbs() {
        return VbsEar.fromBuild();
    }

    @Test
    public void publishedWsdlRequiresSignedTimestampAndBodyWithX509Token() throws Exception {
        // given the deployed service
        // when its WSDL is fetched as any client would
        HttpResponse<byte[]> response = http.send(
                HttpRequest.newBuilder(URI.create(ItConfig.endpoint() + "?wsdl")).GET().build(),
                HttpResponse.BodyHandlers.ofByteArray());

        // then it carries the signing policy, attached to the binding
        assertEquals(200, response.statusCode());
        Document wsdl = parse(response.body());
        Element policy = topLevelPolicy(wsdl);
        Element binding = only(wsdl.getElementsByTagNameNS(SP, "AsymmetricBinding"), "sp:AsymmetricBinding");
        Element initiator = only(binding.getElementsByTagNameNS(SP, "InitiatorToken"), "sp:InitiatorToken");
        only(initiator.getElementsByTagNameNS(SP, "X509Token"), "sp:X509Token of the initiator");
        only(binding.getElementsByTagNameNS(SP, "IncludeTimestamp"), "sp:IncludeTimestamp");
        Element suite = only(binding.getElementsByTagNameNS(SP, "AlgorithmSuite"), "sp:AlgorithmSuite");
        only(suite.getElementsByTagNameNS(SP, "Basic256Sha256"), "sp:Basic256Sha256");
        Element signedParts = only(wsdl.getElementsByTagNameNS(SP, "SignedParts"), "sp:SignedParts");
        only(signedParts.getElementsByTagNameNS(SP, "Body"), "sp:Body in sp:SignedParts");

        Element wsdlBinding = only(wsdl.getElementsByTagNameNS(WSDL, "binding"), "wsdl:binding");
        Element reference = only(wsdlBinding.getElementsByTagNameNS(WSP, "PolicyReference"),
                "wsp:PolicyReference on the binding");
        assertEquals("#" + policy.getAttributeNS(WSU, "Id"), reference.getAttribute("URI"),
                "the binding must reference the signing policy");
    }

    @Test
    public void signedCallFromTrustedUserIsServed() throws Exception {
        // given a user issued by the CA the server trusts
        Caller user = callers.newUser("signed-access");

        // when it calls with a signed request
        CreateVolumeResponseType created = user.createVolume(1);

        // then the call is served and the volume is the user's
        assertTrue(user.volumeIds().contains(created.getVolumeId()));
        user.deleteVolume(created.getVolumeId());
    }

    @Test
    public void unsignedCallIsRefusedWithSoapFaultAndCreatesNothing() throws Exception {
        // given what the development user sees and the pool
        Caller devUser = callers.devUser();
        VisibleState before = VisibleState.of(devUser, pool);

        // when a well-formed CreateVolume arrives without any WS-Security header
        String envelope = """
                <soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/">
                  <soap:Body>
                    <CreateVolume xmlns="urn:vbs:2026-11"><size>1</size></CreateVolume>
                  </soap:Body>
                </soap:Envelope>""";
        HttpResponse<byte[]> response = http.send(HttpRequest.newBuilder(ItConfig.endpoint())
                        .header("Content-Type", "text/xml; charset=utf-8")
                        .header("SOAPAction", "\"CreateVolume\"")
                        .POST(HttpRequest.BodyPublishers.ofString(envelope, StandardCharsets.UTF_8))
                        .build(),
                HttpResponse.BodyHandlers.ofByteArray());

        // then it gets a soap:Client fault from the security policy, not a volume
        String body = new String(response.body(), StandardCharsets.UTF_8);
        assertEquals(500, response.statusCode(), body);
        Document answer = parse(response.body());
        Element fault = only(answer.getElementsByTagNameNS(SOAP_ENV, "Fault"), "soap:Fault");
        assertEquals("soap:Client", only(fault.getElementsByTagName("faultcode"), "faultcode").getTextContent(), body);
        String faultString = only(fault.getElementsByTagName("faultstring"), "faultstring").getTextContent();
        assertTrue(faultString.contains("policy alternatives can not be satisfied"), faultString);
        assertEquals(0, answer.getElementsByTagNameNS("urn:vbs:2026-11", "CreateVolumeResponse").getLength());
        // and nothing was created
        assertEquals(before, VisibleState.of(devUser, pool));
    }

    @Test
    public void callSignedByCertificateOfUntrustedCaIsRefusedAndCreatesNothing() throws Exception {
        // given a stranger whose own CA issued it a certificate with the development user's DN
        Caller devUser = callers.devUser();
        Caller impostor = callers.fromUntrustedCa(devUser.dn());
        VisibleState before = VisibleState.of(devUser, pool);

        // when it calls with a correctly signed request
        SOAPFaultException refused = assertThrows(SOAPFaultException.class, () -> impostor.createVolume(1));

        // then WS-Security refuses it (the certificate path does not lead to a trusted CA), and nothing
        // was created
        assertEquals(SOAP_CLIENT, refused.getFault().getFaultCodeAsQName(), refused.getMessage());
        assertEquals(before, VisibleState.of(devUser, pool));
    }

    @Test
    public void userIsRefusedWithinSecondsOfACrlRevokingItsCertificateAndWithoutARestart() throws Exception {
        // given a user the server serves, and another user of the same CA
        Caller revoked = callers.newUser("revoked");
        Caller other = callers.newUser("not-revoked");
        assertEquals(Set.of(), revoked.volumeIds());
        VisibleState before = VisibleState.of(other, pool);

        // when the CA's CRL in the server's CA directory lists the user's certificate
        callers.revoke(revoked);

        // then its calls are refused once the server has re-read the directory (every 10 s), as any
        // unauthenticated call is
        SOAPFaultException refused = Await.until("the revoked user's calls refused", Duration.ofSeconds(40), () -> {
            try {
                revoked.volumeIds();
                return Optional.empty();
            } catch (SOAPFaultException e) {
                return Optional.of(e);
            }
        }, () -> "still served");
        assertEquals(SOAP_CLIENT, refused.getFault().getFaultCodeAsQName(), refused.getMessage());
        // and a create is refused too, making nothing, while the other user is still served
        assertThrows(SOAPFaultException.class, () -> revoked.createVolume(1));
        assertEquals(before, VisibleState.of(other, pool));
    }

    @Test
    public void everyCallAllowedOrRefusedWritesOneAuditLineNamingCallerOperationAndOutcome() throws Exception {
        // given a user of the trusted CA and a stranger of another CA
        Caller user = callers.newUser("audited");
        Caller stranger = callers.fromUntrustedCa(Callers.uniqueDn("stranger"));
        long before = GridCli.auditLines().size();

        // when the user creates and deletes a volume, asks for another's, and the stranger calls
        String volume = user.createVolume(1).getVolumeId();
        user.deleteVolume(volume);
        assertThrows(Exception.class, () -> user.deleteVolume("vol-00000000000000001"));
        assertThrows(SOAPFaultException.class, () -> stranger.createVolume(1));

        // then each call has its line, in the documented format
        List<String> lines = GridCli.auditLines().subList((int) before, GridCli.auditLines().size());
        String dn = "dn=\"" + user.dn() + "\"";
        assertEquals(4, lines.size(), String.join("\n", lines));
        assertTrue(lines.get(0).matches("time=\\S+ request=[0-9a-f-]{36} " + Pattern.quote(dn)
                + " fqans=- proxy=no op=CreateVolume resource=" + volume + " outcome=allowed reason=- via=-"), lines.get(0));
        assertTrue(lines.get(1).contains(dn + " fqans=- proxy=no op=DeleteVolume resource=" + volume
                + " outcome=allowed"), lines.get(1));
        assertTrue(lines.get(2).contains(" op=DeleteVolume resource=vol-00000000000000001 outcome=refused"
                + " reason=\"InvalidVolume.NotFound: "), lines.get(2));
        assertTrue(lines.get(3).contains("request=- dn=- fqans=- proxy=- op=CreateVolume resource=- outcome=refused"),
                lines.get(3));
    }

    @Test
    public void aGridMapfileAdmitsOnlyTheDnsItListsWithTheGenericRefusalForOthers() throws Exception {
        // given a grid-mapfile listing one user (in the slash form grid tools write)
        Caller listed = callers.newUser("mapped");
        Caller unlisted = callers.newUser("unmapped");
        Path gridMap = ItConfig.vbsHome().resolve("grid-mapfile");
        Files.writeString(gridMap, "\"" + slashForm(listed.dn()) + "\" vbsuser\n");
        try {
            // when both call
            Set<String> served = listed.volumeIds();
            VbsFault refused = assertThrows(VbsFault.class, unlisted::volumeIds);

            // then the listed one is served, the other refused without a hint of why, and the log says why
            assertEquals(Set.of(), served);
            assertEquals("UnauthorizedOperation", refused.getFaultInfo().getErrors().getError().get(0).getCode());
            assertEquals("You are not authorized to perform this operation.",
                    refused.getFaultInfo().getErrors().getError().get(0).getMessage());
            List<String> lines = GridCli.auditLines();
            assertTrue(lines.get(lines.size() - 1).endsWith("outcome=refused reason=\"UnauthorizedOperation: not in the"
                    + " grid-mapfile\" via=-"), lines.get(lines.size() - 1));
        } finally {
            Files.delete(gridMap);
        }
        // and without the file everyone of a trusted CA is served again
        assertEquals(Set.of(), unlisted.volumeIds());
    }

    @Test
    public void aProxyOfATrustedUserActsAsThatUserAndALimitedProxyMayOnlyRead(@TempDir Path dir) throws Exception {
        // given a user of the trusted CA, and an RFC 3820 proxy and a limited proxy of its credential, in
        // files as grid-proxy-init writes them
        Caller user = callers.newUser("proxied");
        Path proxy = GridCli.proxyFile(dir.resolve("x509up_full"), GridChains.proxy(user.credential(), false, -1));
        Path limited = GridCli.proxyFile(dir.resolve("x509up_limited"), GridChains.proxy(user.credential(), true, -1));
        long before = GridCli.auditLines().size();

        // when the CLI (whose chain goes as an X509PKIPathv1 token) creates a volume with the proxy and
        // tries again with the limited one, which then only describes
        Processes.Result created = GridCli.withProxy(proxy, "create-volume", "--size", "1");
        Processes.Result refused = GridCli.withProxy(limited, "create-volume", "--size", "1");
        Processes.Result described = GridCli.withProxy(limited, "describe-volumes");

        // then the proxy's volume is the user's, the limited proxy is refused the change but may read
        assertEquals(0, created.exitCode(), created.describe());
        String volume = user.volumeIds().iterator().next();
        assertTrue(created.stdout().contains(volume), created.describe());
        assertEquals(1, refused.exitCode(), refused.describe());
        assertTrue(refused.stderr().contains("UnauthorizedOperation"), refused.describe());
        assertEquals(0, described.exitCode(), described.describe());
        assertTrue(described.stdout().contains(volume), described.describe());
        assertEquals(Set.of(volume), user.volumeIds());
        // and the audit log names the user behind each proxy
        List<String> lines = GridCli.auditLines().subList((int) before, GridCli.auditLines().size());
        assertTrue(lines.get(0).contains("dn=\"" + user.dn() + "\" fqans=- proxy=yes op=CreateVolume"), lines.get(0));
        assertTrue(lines.get(1).contains("proxy=limited op=CreateVolume resource=- outcome=refused"), lines.get(1));
        user.deleteVolume(volume);
    }

    @Test
    public void aProxyMadeByProxyInitIsAcceptedAndAnEncryptedKeyNeedsATerminal(@TempDir Path dir) throws Exception {
        // given a user of the trusted CA with its credential in files as grid-cert-request leaves them,
        // once with the key unencrypted and once encrypted
        Caller user = callers.newUser("proxy-init");
        Path certificate = dir.resolve("usercert.pem");
        Path key = dir.resolve("userkey.pem");
        NewFile.writeAll(user.credential().toPemFiles(certificate, key));
        Path encryptedKey = dir.resolve("encrypted-userkey.pem");
        StringWriter text = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(text)) {
            writer.writeObject(new JcaPKCS8Generator(user.credential().privateKey(),
                    new JceOpenSSLPKCS8EncryptorBuilder(JcaPKCS8Generator.AES_256_CBC)
                            .setProvider(new BouncyCastleProvider()).setPassword("grid pass phrase".toCharArray()).build()));
        }
        Files.writeString(encryptedKey, text.toString());
        Path proxy = dir.resolve("x509up_u_test");

        // when the built CLI makes a proxy, checks it, and creates a volume signing with it; and then
        // is asked to sign with the encrypted key, with no terminal to ask for its pass phrase
        Processes.Result init = GridCli.run("proxy-init", "--cert", certificate.toString(), "--key", key.toString(),
                "--out", proxy.toString(), "--hours", "1");
        Processes.Result exists = GridCli.run("proxy-info", "--file", proxy.toString(), "--exists", "--valid", "0:30");
        Processes.Result created = GridCli.withProxy(proxy, "create-volume", "--size", "1");
        Processes.Result noTerminal = GridCli.run("describe-volumes", "--cert", certificate.toString(),
                "--key", encryptedKey.toString());

        // then the proxy is accepted as the user, and the encrypted key is refused before any call
        assertEquals(0, init.exitCode(), init.describe());
        assertTrue(init.stdout().contains("Your identity: " + user.dn()), init.describe());
        assertEquals(0, exists.exitCode(), exists.describe());
        assertEquals(0, created.exitCode(), created.describe());
        String volume = user.volumeIds().iterator().next();
        assertTrue(created.stdout().contains(volume), created.describe());
        assertEquals(3, noTerminal.exitCode(), noTerminal.describe());
        assertTrue(noTerminal.stderr().contains("holds an encrypted private key and there is no terminal"),
                noTerminal.describe());
        user.deleteVolume(volume);
    }

    /** "CN=a b,OU=vbs-it,O=Grid" as grid tools print it: "/O=Grid/OU=vbs-it/CN=a b" (no escaped commas in test DNs). */
    private static String slashForm(String rfc2253) {
        List<String> rdns = new java.util.ArrayList<>(List.of(rfc2253.split(",")));
        java.util.Collections.reverse(rdns);
        return "/" + String.join("/", rdns);
    }

    private static Document parse(byte[] xml) throws Exception {
        DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        factory.setNamespaceAware(true);
        factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        return factory.newDocumentBuilder().parse(new ByteArrayInputStream(xml));
    }

    /** The wsp:Policy that is a child of wsdl:definitions (nested wsp:Policy elements are its parts). */
    private static Element topLevelPolicy(Document wsdl) {
        Element found = null;
        for (Node child = wsdl.getDocumentElement().getFirstChild(); child != null; child = child.getNextSibling()) {
            if (child instanceof Element element && WSP.equals(element.getNamespaceURI())
                    && "Policy".equals(element.getLocalName())) {
                assertNull(found, "more than one top-level wsp:Policy");
                found = element;
            }
        }
        assertNotNull(found, "no top-level wsp:Policy in the published WSDL");
        return found;
    }

    private static Element only(NodeList nodes, String what) {
        assertEquals(1, nodes.getLength(), "expected exactly one " + what);
        return (Element) nodes.item(0);
    }
}
