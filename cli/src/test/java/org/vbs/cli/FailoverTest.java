package org.vbs.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import jakarta.xml.ws.WebServiceException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NoRouteToHostException;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import org.apache.cxf.frontend.ClientProxy;
import org.apache.cxf.transport.http.URLConnectionHTTPConduit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vbs.cli.generated.CreateVolumeType;
import org.vbs.cli.generated.DeleteVolumeResponseType;
import org.vbs.cli.generated.DeleteVolumeType;
import org.vbs.cli.generated.VbsFault;
import org.vbs.cli.generated.VolumeServicePortType;
import org.vbs.security.Credential;
import org.vbs.security.KeyStores;
import org.vbs.security.pki.DevPki;
import org.vbs.security.pki.DevPkiSetup;
import org.vbs.security.pki.PkiLayout;

/**
 * Failover over a list of endpoints with the CLI's real signing port factory: real loopback
 * stand-ins for nodes that are down (a closed port), refuse (HTTP 503), sit behind a failing gateway
 * (502, 504), lose the connection after the request was sent (reset) or close during the TLS
 * handshake, and real signed CXF endpoints for the nodes that answer.
 */
class FailoverTest {
    private static final Pattern SIGNATURE_VALUE = Pattern.compile("SignatureValue>([^<]+)<");
    private static final Pattern CLIENT_TOKEN = Pattern.compile("clientToken>([^<]+)<");

    @TempDir
    static Path home;
    static PkiLayout pki;

    private final List<AutoCloseable> standIns = new ArrayList<>();

    /** A node of the service: creates, describes and deletes volumes, or fails each call with a fault. */
    static final class Node extends CreateVolumeCommandTest.CreatingPort {
        private final String faultCode;

        Node(String faultCode) {
            this.faultCode = faultCode;
        }

        Node() {
            this(null);
        }

        @Override
        public DeleteVolumeResponseType deleteVolume(DeleteVolumeType request) throws VbsFault {
            requests.add(request);
            if (faultCode != null) {
                throw FailureTest.fault(faultCode, "refused by this node");
            }
            DeleteVolumeResponseType response = new DeleteVolumeResponseType();
            response.setRequestId("req-1");
            response.setReturn(true);
            return response;
        }
    }

    /** What an HTTP stand-in got: one request body per call. */
    record Recorded(String url, List<String> bodies) {
    }

    @BeforeAll
    static void makePki() {
        Logging.configure(false);
        pki = PkiLayout.under(home);
        DevPkiSetup.ensure(pki, "localhost");
    }

    @AfterEach
    void stopStandIns() throws Exception {
        for (AutoCloseable standIn : standIns) {
            standIn.close();
        }
    }

    @Test
    void shouldMovePastADeadNodeAndA503ToTheNodeThatAnswersAndStayThere() throws Exception {
        String dead = closedPort();
        Recorded unavailable = answering(503);
        DescribeCommandsTest.PagedVolumes node = new DescribeCommandsTest.PagedVolumes(Map.of("", "t2"));
        String real = publish(node);

        CliRun run = vbs("describe-volumes", "--all", "--debug", "--url", dead + "," + unavailable.url() + "," + real);

        assertEquals(ExitCode.OK, run.status(), run.err());
        assertTrue(run.out().contains("vol-first") && run.out().contains("vol-t2"), run.out());
        assertEquals(2, node.requests.size(), "both pages from the node that answered");
        assertEquals(1, unavailable.bodies().size(), "the second page went straight to the node that answered");
        assertTrue(run.err().contains("vbs: DescribeVolumes failed at " + dead + " (java.net.ConnectException")
                && run.err().contains("; trying " + unavailable.url() + "\n"), run.err());
        assertTrue(run.err().contains("vbs: DescribeVolumes failed at " + unavailable.url() + " (HTTP 503")
                && run.err().contains("; trying " + real + "\n"), run.err());
        assertFalse(run.err().contains("PRIVATE KEY") || run.err().contains("SignatureValue"), run.err());
    }

    @Test
    void shouldSignEachAttemptAnew() throws Exception {
        String dead = closedPort();
        Recorded first = answering(503);
        Recorded second = answering(503);
        Node node = new Node();
        String real = publish(node);

        CliRun run = vbs("delete-volume", "vol-1", "--url", dead + ", " + first.url() + "," + second.url() + "," + real);

        assertEquals(ExitCode.OK, run.status(), run.err());
        assertEquals(1, node.requests.size());
        String firstSignature = only(SIGNATURE_VALUE, first.bodies().get(0));
        String secondSignature = only(SIGNATURE_VALUE, second.bodies().get(0));
        // A signature covers the Timestamp: a new one for each attempt, never the same message twice.
        assertNotEquals(firstSignature, secondSignature);
    }

    @Test
    void shouldRepeatACreateVolumeWithItsClientTokenAfterTheConnectionWasLostAfterSending() throws Exception {
        Recorded resetting = resettingAfterRequest();
        Node node = new Node();
        String real = publish(node);

        CliRun run = vbs("create-volume", "--size", "1", "--url", resetting.url() + "," + real);

        assertEquals(ExitCode.OK, run.status(), run.err());
        assertEquals(1, resetting.bodies().size(), "the lost attempt was sent");
        String token = node.got(CreateVolumeType.class, 0).getClientToken();
        assertEquals(token, only(CLIENT_TOKEN, resetting.bodies().get(0)), "the same token, so one volume at most");
    }

    @Test
    void shouldNotRepeatADeleteThatMayHaveTakenEffect() throws Exception {
        for (Recorded ambiguous : List.of(resettingAfterRequest(), answering(502), answering(504))) {
            Node node = new Node();
            String real = publish(node);

            CliRun run = vbs("delete-volume", "vol-1", "--url", ambiguous.url() + "," + real);

            assertEquals(ExitCode.CONNECTION, run.status(), run.err());
            assertTrue(run.err().startsWith("Error: ConnectionFailed: DeleteVolume may have taken effect: "
                    + ambiguous.url() + " may have received it before the call failed, so it is not sent again"),
                    run.err());
            assertEquals(1, ambiguous.bodies().size());
            assertEquals(0, node.requests.size(), "not sent to the next node");
            assertEquals("", run.out());
        }
    }

    @Test
    void shouldRepeatADescribeAfterAGatewayFailure() throws Exception {
        Recorded gateway = answering(504);
        String real = publish(new DescribeCommandsTest.PagedVolumes(Map.of()));

        CliRun run = vbs("describe-volumes", "--url", gateway.url() + "," + real);

        assertEquals(ExitCode.OK, run.status(), run.err());
        assertEquals(1, gateway.bodies().size());
    }

    @Test
    void shouldMoveOnAfterServiceUnavailableButNeverAfterAnotherServiceFault() throws Exception {
        Node unavailable = new Node("ServiceUnavailable");
        Node notFound = new Node("InvalidVolume.NotFound");
        Node next = new Node();
        String unavailableUrl = publish(unavailable);
        String notFoundUrl = publish(notFound);
        String nextUrl = publish(next);

        CliRun movedOn = vbs("delete-volume", "vol-1", "--url", unavailableUrl + "," + nextUrl);
        CliRun stopped = vbs("delete-volume", "vol-1", "--url", notFoundUrl + "," + nextUrl);

        assertEquals(ExitCode.OK, movedOn.status(), movedOn.err());
        assertEquals(1, unavailable.requests.size());
        assertEquals(ExitCode.SERVICE_FAULT, stopped.status(), stopped.err());
        assertEquals("Error: InvalidVolume.NotFound: refused by this node\n", stopped.err());
        assertEquals(1, next.requests.size(), "only the call after ServiceUnavailable reached the next node");
    }

    @Test
    void shouldMovePastAnHttpsNodeThatClosesDuringTheHandshake() throws Exception {
        Recorded closing = closingOnConnect();
        Node node = new Node();
        String real = publish(node);

        CliRun run = vbs("delete-volume", "vol-1", "--debug", "--url", closing.url() + "," + real);

        assertEquals(ExitCode.OK, run.status(), run.err());
        assertEquals(1, node.requests.size(), "nothing was sent to the first: even a delete moves on");
        assertTrue(run.err().contains("vbs: DeleteVolume failed at " + closing.url()
                + " (javax.net.ssl.SSLHandshakeException"), run.err());
    }

    @Test
    void shouldStopAtAnUntrustedServerWithoutSendingAnything() throws Exception {
        Recorded untrusted = untrustedHttps();
        Node node = new Node();
        String real = publish(node);

        CliRun run = vbs("describe-volumes", "--url", untrusted.url() + "," + real);

        assertEquals(ExitCode.CONNECTION, run.status(), run.err());
        assertTrue(run.err().startsWith("Error: UntrustedServer: "), run.err());
        assertEquals(List.of(), untrusted.bodies());
        assertEquals(0, node.requests.size(), "a server that fails the check is the user's to see, not passed over");
    }

    @Test
    void shouldCallThroughTheJdksHttpUrlConnection() throws Exception {
        List<VolumeServicePortType> opened = new ArrayList<>();
        PortFactory signed = new SignedPortFactory(CliRun.noPassphrase());
        PortFactory recording = settings -> {
            PortFactory.EndpointPorts ports = signed.open(settings);
            return endpoint -> {
                VolumeServicePortType port = ports.port(endpoint);
                opened.add(port);
                return port;
            };
        };
        String real = publish(new Node());

        CliRun run = CliRun.run(recording, Map.of("VBS_HOME", home.toString()), false, "delete-volume", "vol-1",
                "--url", real);

        assertEquals(ExitCode.OK, run.status(), run.err());
        assertEquals(1, opened.size());
        // Not CXF's java.net.http conduit (a subclass), whose own NullPointerException can hide why a call failed.
        assertEquals(URLConnectionHTTPConduit.class, ClientProxy.getClient(opened.get(0)).getConduit().getClass());
    }

    @Test
    void shouldReportEveryEndpointTriedWhenNoneAnswers() throws Exception {
        String dead = closedPort();
        Recorded unavailable = answering(503);
        String alsoDead = closedPort();

        CliRun run = vbs("describe-volumes", "--url", dead + "," + unavailable.url() + "," + alsoDead);

        assertEquals(ExitCode.CONNECTION, run.status(), run.err());
        assertTrue(run.err().startsWith("Error: ConnectionFailed: DescribeVolumes: no endpoint took the call; tried "
                + dead + ": java.net.ConnectException"), run.err());
        assertTrue(run.err().contains("; " + unavailable.url() + ": HTTP 503 "), run.err());
        assertTrue(run.err().contains("; " + alsoDead + ": java.net.ConnectException"), run.err());
        assertEquals(1, run.err().lines().count(), "one line, no stack trace without --debug");
    }

    @Test
    void shouldTellNotSentFromMaybeTakenByTheFailure() {
        // As CXF wraps the socket's exception: one of the same type naming the URL, the socket's as its cause.
        String invoking = "SocketTimeoutException invoking http://127.0.0.1:1/vbs/VolumeService: ";
        assertEquals(FailoverPort.Kind.NOT_SENT, FailoverPort.classify(new WebServiceException("Could not send",
                new SocketTimeoutException(invoking + "Connect timed out").initCause(
                        new SocketTimeoutException("Connect timed out")))));
        assertEquals(FailoverPort.Kind.NOT_SENT, FailoverPort.classify(new WebServiceException("Could not send",
                new NoRouteToHostException("No route to host"))));
        assertEquals(FailoverPort.Kind.AMBIGUOUS, FailoverPort.classify(new WebServiceException("Could not receive",
                new SocketTimeoutException(invoking + "Read timed out").initCause(
                        new SocketTimeoutException("Read timed out")))));
        assertEquals(FailoverPort.Kind.FINAL, FailoverPort.classify(new IllegalStateException("a bug")));
    }

    private CliRun vbs(String... args) {
        return CliRun.run(new SignedPortFactory(CliRun.noPassphrase()), Map.of("VBS_HOME", home.toString()), false,
                args);
    }

    private String publish(FakePort service) throws Exception {
        SignedService signed = SignedService.publish(service, Credential.load(pki.serverCert(), pki.serverKey()), pki);
        standIns.add(signed);
        return signed.url();
    }

    /** A loopback URL nothing listens on. */
    private static String closedPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return "http://127.0.0.1:" + socket.getLocalPort() + "/vbs/VolumeService";
        }
    }

    /** A node (or a gateway in front of one) that answers every request with this HTTP status. */
    private Recorded answering(int status) throws IOException {
        return serve(HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0), "http", status);
    }

    /** An https server whose certificate is of a CA the CLI does not trust: the user must see that. */
    private Recorded untrustedHttps() throws Exception {
        Credential stranger = DevPki.newCa("CN=Some Other CA,O=Elsewhere").issueServer("localhost");
        char[] password = "secret".toCharArray();
        KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keys.init(KeyStores.withCredential(stranger, "server", password), password);
        SSLContext tls = SSLContext.getInstance("TLS");
        tls.init(keys.getKeyManagers(), null, null);
        HttpsServer server = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setHttpsConfigurator(new HttpsConfigurator(tls));
        return serve(server, "https", 200);
    }

    private Recorded serve(HttpServer server, String scheme, int status) {
        List<String> bodies = Collections.synchronizedList(new ArrayList<>());
        server.createContext("/", exchange -> {
            bodies.add(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            byte[] page = ("<html><body>" + status + "</body></html>").getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "text/html");
            exchange.sendResponseHeaders(status, page.length);
            exchange.getResponseBody().write(page);
            exchange.close();
        });
        server.start();
        standIns.add(() -> server.stop(0));
        return new Recorded(scheme + "://127.0.0.1:" + server.getAddress().getPort() + "/vbs/VolumeService", bodies);
    }

    /** A node that reads a whole request and then resets the connection: the answer is lost. */
    private Recorded resettingAfterRequest() throws IOException {
        return acceptingEach(connection -> {
            String request = readUntilEnvelopeEnds(connection.getInputStream());
            connection.setSoLinger(true, 0);
            return request;
        }, "http");
    }

    /** An https "node" that accepts the connection and closes it before any TLS handshake. */
    private Recorded closingOnConnect() throws IOException {
        return acceptingEach(connection -> null, "https");
    }

    @FunctionalInterface
    private interface Connection {
        /** @return what it read, if it is to be recorded */
        String handle(Socket connection) throws IOException;
    }

    private Recorded acceptingEach(Connection handler, String scheme) throws IOException {
        ServerSocket server = new ServerSocket(0, 10, InetAddress.getLoopbackAddress());
        List<String> bodies = Collections.synchronizedList(new ArrayList<>());
        Thread acceptor = new Thread(() -> {
            while (!server.isClosed()) {
                try (Socket connection = server.accept()) {
                    String read = handler.handle(connection);
                    if (read != null) {
                        bodies.add(read);
                    }
                } catch (IOException e) {
                    // The server socket was closed by the test's end, or a client went away: next one.
                }
            }
        }, "stand-in " + server.getLocalPort());
        acceptor.setDaemon(true);
        acceptor.start();
        standIns.add(server);
        return new Recorded(scheme + "://127.0.0.1:" + server.getLocalPort() + "/vbs/VolumeService", bodies);
    }

    private static String readUntilEnvelopeEnds(InputStream in) throws IOException {
        ByteArrayOutputStream read = new ByteArrayOutputStream();
        byte[] buffer = new byte[8192];
        Pattern end = Pattern.compile("</[A-Za-z0-9]*:?Envelope>");
        while (!end.matcher(read.toString(StandardCharsets.UTF_8)).find()) {
            int n = in.read(buffer);
            if (n < 0) {
                break;
            }
            read.write(buffer, 0, n);
        }
        return read.toString(StandardCharsets.UTF_8);
    }

    private static String only(Pattern pattern, String text) {
        Matcher matcher = pattern.matcher(text);
        assertTrue(matcher.find(), text);
        return matcher.group(1);
    }
}
