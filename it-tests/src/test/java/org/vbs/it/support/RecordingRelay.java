package org.vbs.it.support;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A man in the middle on loopback, as an attacker who can read the traffic would be: it passes
 * every POST on to the service unchanged and keeps a copy of what it passed, so a test can post a
 * captured signed request again; or, holding, keeps what it intercepts from the service altogether
 * (answering 503), so a test can post a captured request the service has never seen, changed or not;
 * or, losing answers, passes every POST on but answers 504 as a gateway whose node answered too late:
 * the call took effect and its caller cannot know.
 */
public final class RecordingRelay implements AutoCloseable {
    /** A request as it went over the wire. */
    public record Captured(byte[] body, String contentType, Optional<String> soapAction) {
        /** Posts the same bytes with the same headers to the endpoint, as a replay. */
        public HttpResponse<String> replayTo(URI endpoint) throws IOException, InterruptedException {
            HttpRequest.Builder request = HttpRequest.newBuilder(endpoint).header("Content-Type", contentType)
                    .POST(HttpRequest.BodyPublishers.ofByteArray(body));
            soapAction.ifPresent(action -> request.header("SOAPAction", action));
            return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
        }
    }

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private final HttpServer server;
    private final URI target;
    private final Mode mode;
    private final List<Captured> captured = new ArrayList<>();

    private enum Mode { PASS_ON, HOLD, LOSE_ANSWER }

    private RecordingRelay(HttpServer server, URI target, Mode mode) {
        this.server = server;
        this.target = target;
        this.mode = mode;
    }

    /** A relay to the endpoint on a free loopback port, started. */
    public static RecordingRelay to(URI target) throws IOException {
        return start(target, Mode.PASS_ON);
    }

    /** A relay on a free loopback port that keeps every request from the endpoint and answers 503, started. */
    public static RecordingRelay holding(URI target) throws IOException {
        return start(target, Mode.HOLD);
    }

    /** A relay on a free loopback port that passes every request on but answers 504, started. */
    public static RecordingRelay losingAnswers(URI target) throws IOException {
        return start(target, Mode.LOSE_ANSWER);
    }

    private static RecordingRelay start(URI target, Mode mode) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        RecordingRelay relay = new RecordingRelay(server, target, mode);
        server.createContext("/", relay::relay);
        server.start();
        return relay;
    }

    /** The relay's own endpoint: give it to a client in place of the service's. */
    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + target.getPath());
    }

    public synchronized List<Captured> captured() {
        return List.copyOf(captured);
    }

    private void relay(HttpExchange exchange) throws IOException {
        try (exchange) {
            Captured request = new Captured(exchange.getRequestBody().readAllBytes(),
                    exchange.getRequestHeaders().getFirst("Content-Type"),
                    Optional.ofNullable(exchange.getRequestHeaders().getFirst("SOAPAction")));
            synchronized (this) {
                captured.add(request);
            }
            if (mode == Mode.HOLD) {
                exchange.sendResponseHeaders(503, -1);
                return;
            }
            HttpResponse<byte[]> response;
            try {
                HttpRequest.Builder forward = HttpRequest.newBuilder(target).header("Content-Type", request.contentType())
                        .POST(HttpRequest.BodyPublishers.ofByteArray(request.body()));
                request.soapAction().ifPresent(action -> forward.header("SOAPAction", action));
                response = HTTP.send(forward.build(), HttpResponse.BodyHandlers.ofByteArray());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while relaying", e);
            }
            if (mode == Mode.LOSE_ANSWER) {
                exchange.sendResponseHeaders(504, -1);
                return;
            }
            exchange.getResponseHeaders().add("Content-Type",
                    response.headers().firstValue("Content-Type").orElse("text/xml"));
            exchange.sendResponseHeaders(response.statusCode(), response.body().length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(response.body());
            }
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
