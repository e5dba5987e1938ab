package org.vbs.it.container;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import javax.xml.parsers.DocumentBuilderFactory;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.EnterpriseArchive;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.vbs.it.client.DeregisterHostType;
import org.vbs.it.client.VbsFault;
import org.vbs.it.support.Caller;
import org.vbs.it.support.Callers;
import org.vbs.it.support.FaultCodeRecorder;
import org.vbs.it.support.Faults;
import org.vbs.it.support.ItConfig;
import org.vbs.it.support.Pool;
import org.vbs.it.support.VbsEar;
import org.vbs.it.support.VisibleState;
import org.w3c.dom.Document;

/**
 * Hostile XML posted raw over HTTP, unsigned: each is refused while it is parsed, before WS-Security
 * or the service sees it, by the limits of the server's own configuration (ear/src/main/cli); the
 * answer shows nothing was read or expanded, nothing is created, and the server goes on serving signed
 * calls. Also: how a refusal looks on the wire (soap:Client for the caller's fault, soap:Server for
 * the service's) and where the WSDL says the service is.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
public class HostileInputIT {
    private static final String SOAP_ENV = "http://schemas.xmlsoap.org/soap/envelope/";
    /** The limits set in 10-network.cli and 30-webservices.cli. */
    private static final int MAX_BODY_BYTES = 1 << 20;
    private static final int MAX_DEPTH = 32;
    private static final int MAX_CHILDREN = 5000;
    private static final int MAX_ELEMENTS = 20000;
    private static final int MAX_TEXT = 256 << 10;
    private static final String OVERSIZED_REFUSED = "HTTP 400 or connection closed";
    private static final String CREATE_VOLUME = "<CreateVolume xmlns=\"urn:vbs:2026-11\"><size>1</size></CreateVolume>";

    private final HttpClient http = newHttpClient();
    private final Callers callers = Callers.ofArquillianServer();
    private final Pool pool = Pool.of(ItConfig.vbsHome());

    private Caller user;
    private String existingVolume;
    private VisibleState before;

    @Deployment(testable = false)
    public static EnterpriseArchive vbs() {
        return VbsEar.fromBuild();
    }

    /** Given a user with a volume, and what it sees with the pool. */
    @BeforeEach
    public void userWithAVolume() throws Exception {
        user = callers.newUser("hostile-input");
        existingVolume = user.createVolume(1).getVolumeId();
        user.awaitVolume(existingVolume, "available");
        before = VisibleState.of(user, pool);
    }

    @AfterEach
    public void deleteTheVolume() throws Exception {
        user.deleteVolumes(existingVolume);
    }

    @Test
    public void externalEntityIsNeverReadAndTheMessageIsRefused() throws Exception {
        String passwd = Files.readString(Path.of("/etc/passwd"));
        String body = """
                <?xml version="1.0"?>
                <!DOCTYPE soap:Envelope [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
                <soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body>
                <CreateVolume xmlns="urn:vbs:2026-11"><size>1</size><clientToken>&xxe;</clientToken></CreateVolume>
                </soap:Body></soap:Envelope>""";

        String answer = assertRefusedWhileParsed(body, "DTD");

        assertFalse(answer.contains(passwd.lines().findFirst().orElseThrow()), answer);
        assertFalse(answer.contains("root:"), answer);
    }

    @Test
    public void entityExpansionIsNeverDoneAndTheMessageIsRefused() throws Exception {
        // "billion laughs": ten levels of ten references each, 10^10 "lol"s if expanded
        StringBuilder dtd = new StringBuilder("<!ENTITY lol0 \"lol\">");
        for (int level = 1; level <= 10; level++) {
            dtd.append("<!ENTITY lol").append(level).append(" \"")
                    .append(("&lol" + (level - 1) + ";").repeat(10)).append("\">");
        }
        String body = "<?xml version=\"1.0\"?>\n<!DOCTYPE soap:Envelope [" + dtd + "]>\n"
                + envelope("", "<CreateVolume xmlns=\"urn:vbs:2026-11\"><size>1</size><clientToken>&lol10;"
                + "</clientToken></CreateVolume>");

        String answer = assertRefusedWhileParsed(body, "DTD");

        assertFalse(answer.contains("lollol"), answer);
    }

    @Test
    public void nestingDeeperThanTheLimitIsRefused() throws Exception {
        // deeper than the configured 32, well within CXF's default of 100
        int depth = MAX_DEPTH + 8;
        String body = envelope("<x>".repeat(depth) + "</x>".repeat(depth), CREATE_VOLUME);

        assertRefusedWhileParsed(body, "Maximum Element Depth limit (" + MAX_DEPTH + ")");
    }

    @Test
    public void moreChildrenOfOneElementThanTheLimitAreRefused() throws Exception {
        String body = envelope("<x>" + "<y/>".repeat(MAX_CHILDREN + 1) + "</x>", CREATE_VOLUME);

        assertRefusedWhileParsed(body, "(" + MAX_CHILDREN + ")");
    }

    @Test
    public void moreElementsThanTheLimitAreRefused() throws Exception {
        // each parent within the per-element limit, all of them together over the total
        String parent = "<x>" + "<y/>".repeat(MAX_CHILDREN - 1) + "</x>";
        String body = envelope(parent.repeat(MAX_ELEMENTS / (MAX_CHILDREN - 1) + 1), CREATE_VOLUME);

        assertRefusedWhileParsed(body, "(" + MAX_ELEMENTS + ")");
    }

    @Test
    public void textLongerThanTheLimitIsRefused() throws Exception {
        String body = envelope("", "<CreateVolume xmlns=\"urn:vbs:2026-11\"><size>1</size><clientToken>"
                + "a".repeat(MAX_TEXT + 1) + "</clientToken></CreateVolume>");

        assertRefusedWhileParsed(body, "(" + MAX_TEXT + ")");
    }

    @Test
    public void bodyLargerThanTheLimitIsRefusedBeforeItIsParsed() throws Exception {
        String body = envelope("<x>" + "a".repeat(MAX_BODY_BYTES) + "</x>", CREATE_VOLUME);

        assertEquals(OVERSIZED_REFUSED, postOversized(http, body));
        assertNothingChangedAndStillServed();
    }

    @Test
    public void signedCallsAreServedWhileHostileMessagesArrive() throws Exception {
        // given hostile messages posted from four threads the whole time
        String oversized = envelope("<x>" + "a".repeat(MAX_BODY_BYTES) + "</x>", CREATE_VOLUME);
        String deep = envelope("<x>".repeat(MAX_DEPTH + 8) + "</x>".repeat(MAX_DEPTH + 8), CREATE_VOLUME);
        ExecutorService attackers = Executors.newFixedThreadPool(4);
        List<Future<String>> refusals = new ArrayList<>();
        try {
            for (int i = 0; i < 20; i++) {
                // a client (connection) each: the listener closes a connection whose body it refused
                refusals.add(attackers.submit(() -> postOversized(newHttpClient(), oversized)));
                refusals.add(attackers.submit(() -> {
                    HttpResponse<String> response = post(newHttpClient(), deep);
                    return response.statusCode() + " " + faultCode(response.body());
                }));
            }

            // when the user makes signed calls meanwhile, then they are served
            for (int i = 0; i < 5; i++) {
                assertEquals(Set.of(existingVolume), user.volumeIds());
            }
            // and every hostile message was refused
            for (Future<String> refusal : refusals) {
                String outcome = refusal.get();
                assertTrue(outcome.equals(OVERSIZED_REFUSED) || outcome.equals("500 soap:Client"), outcome);
            }
        } finally {
            attackers.shutdownNow();
        }
        assertNothingChangedAndStillServed();
    }

    @Test
    public void theLargestRequestsAVbsClientMakesStillPass() throws Exception {
        // given a DescribeVolumes naming 1000 volumes (all but one unknown) and filtering by every status
        FaultCodeRecorder codes = FaultCodeRecorder.on(user);
        List<String> ids = new ArrayList<>(List.of(existingVolume));
        for (int i = 1; i < 1000; i++) {
            ids.add(String.format("vol-%017x", i));
        }
        List<String> statuses = List.of("creating", "available", "deleting", "attaching", "in-use", "detaching",
                "deleted", "error");

        // when it is sent, then it gets past every limit to the service, which answers for the ids
        VbsFault fault = assertThrows(VbsFault.class, () -> user.describeVolumes(ids, Map.of("status", statuses),
                Optional.empty(), Optional.empty()));
        assertEquals("InvalidVolume.NotFound", Faults.code(fault), Faults.message(fault));
        // and, a fault the caller caused, it is a soap:Client fault
        assertEquals(Optional.of(FaultCodeRecorder.CLIENT), codes.last());
    }

    @Test
    public void aFaultOfTheServiceIsASoapServerFault() throws Exception {
        // given a hypervisor host whose driver no plugin provides
        Caller admin = callers.devUser();
        String host = "hostile-no-driver";
        admin.port().registerHost(Caller.registration(host, Map.of("transport", "local", "hypervisor.driver", "absent")));
        try {
            FaultCodeRecorder codes = FaultCodeRecorder.on(user);

            // when the user attaches a volume there
            VbsFault fault = assertThrows(VbsFault.class,
                    () -> user.attachVolume(existingVolume, host, "vm-1", "vdb"));

            // then the service cannot: ServiceUnavailable, as a soap:Server fault with the EC2 detail
            assertEquals("ServiceUnavailable", Faults.code(fault), Faults.message(fault));
            assertEquals(Optional.of(FaultCodeRecorder.SERVER), codes.last());
            assertNothingChangedAndStillServed();
        } finally {
            DeregisterHostType deregister = new DeregisterHostType();
            deregister.setHostName(host);
            admin.port().deregisterHost(deregister);
        }
    }

    @Test
    public void wsdlNamesTheConfiguredAddressWhateverHostTheRequestNames() throws Exception {
        // when the WSDL is fetched with a Host header of someone else's (over a plain socket: the JDK's
        // HTTP client will not send a Host header of its own choosing)
        String wsdl = get(ItConfig.endpoint().getRawPath() + "?wsdl", "attacker.example.org:666");

        // then it names the configured public URL (arquillian.xml: -Dvbs.public-url), for the endpoint
        // and for its schema alike
        assertTrue(wsdl.startsWith("HTTP/1.1 200 "), wsdl);
        assertTrue(wsdl.contains("<soap:address location=\"" + ItConfig.endpoint() + "\"/>"), wsdl);
        assertTrue(wsdl.contains("schemaLocation=\"" + ItConfig.endpoint() + "?xsd="), wsdl);
        assertFalse(wsdl.contains("attacker.example.org"), wsdl);
    }

    /** Posts the body and checks the refusal: a soap:Client fault naming the limit, nothing changed. */
    private String assertRefusedWhileParsed(String body, String refusal) throws Exception {
        HttpResponse<String> response = post(body);

        String answer = response.body();
        assertEquals(500, response.statusCode(), answer);
        assertEquals("soap:Client", faultCode(answer), answer);
        assertTrue(answer.contains(refusal), answer);
        assertFalse(answer.contains("CreateVolumeResponse"), answer);
        assertNothingChangedAndStillServed();
        return answer;
    }

    private void assertNothingChangedAndStillServed() throws Exception {
        assertEquals(before, VisibleState.of(user, pool));
    }

    private HttpResponse<String> post(String body) throws Exception {
        return post(http, body);
    }

    /**
     * Posts a body over the listener's limit: it must be refused, with HTTP 400 or by closing the
     * connection. The listener stops reading a body it refuses and closes the connection, and a close
     * with the rest of the body unread is a TCP reset, which can reach the client before the 400 does.
     */
    private static String postOversized(HttpClient client, String body) throws Exception {
        try {
            HttpResponse<String> response = post(client, body);
            assertFalse(response.body().contains("CreateVolumeResponse"), response.body());
            return response.statusCode() == 400 ? OVERSIZED_REFUSED : "HTTP " + response.statusCode();
        } catch (IOException closed) {
            return OVERSIZED_REFUSED;
        }
    }

    private static HttpResponse<String> post(HttpClient client, String body) throws Exception {
        return client.send(HttpRequest.newBuilder(ItConfig.endpoint())
                        .header("Content-Type", "text/xml; charset=utf-8")
                        .header("SOAPAction", "\"CreateVolume\"")
                        .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8))
                        .build(),
                HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    }

    /** HTTP/1.1: over HTTP/2 a refused body shows as a reset stream rather than the listener's answer. */
    private static HttpClient newHttpClient() {
        return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(10))
                .build();
    }

    /** A GET with the Host header given; the whole answer, status line and headers included. */
    private static String get(String path, String host) throws Exception {
        URI endpoint = ItConfig.endpoint();
        try (Socket socket = new Socket(endpoint.getHost(), endpoint.getPort())) {
            socket.setSoTimeout(30_000);
            socket.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: " + host
                    + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            return new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static String envelope(String header, String body) {
        return "<soap:Envelope xmlns:soap=\"" + SOAP_ENV + "\"><soap:Header>" + header + "</soap:Header><soap:Body>"
                + body + "</soap:Body></soap:Envelope>";
    }

    private static String faultCode(String answer) throws Exception {
        DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        factory.setNamespaceAware(true);
        factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        Document document = factory.newDocumentBuilder()
                .parse(new ByteArrayInputStream(answer.getBytes(StandardCharsets.UTF_8)));
        return document.getElementsByTagName("faultcode").item(0).getTextContent().strip();
    }

}
