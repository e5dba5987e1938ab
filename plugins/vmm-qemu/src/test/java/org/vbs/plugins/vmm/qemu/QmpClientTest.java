package org.vbs.plugins.vmm.qemu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vbs.hosts.LocalHostShell;
import org.vbs.plugins.spi.Command;
import org.vbs.plugins.spi.DriverException;

/**
 * The QMP session's protocol handling over a real socat pipe, against a scripted peer that replays
 * lines captured from QEMU 7.2 in an order QEMU may send them but rarely does: an event before the
 * answer it follows from, an answer to another id, an error, silence, a closed socket. The happy
 * paths against a real QEMU are in {@link QemuHypervisorDriverTest}.
 */
class QmpClientTest {
    private static final String GREETING = "{\"QMP\": {\"version\": {\"qemu\": {\"micro\": 22, \"minor\": 2,"
            + " \"major\": 7}, \"package\": \"Debian 1:7.2+dfsg-7+deb12u18+b3\"}, \"capabilities\": [\"oob\"]}}";
    private static final String DEVICE_DELETED = "{\"timestamp\": {\"seconds\": 1796092175, \"microseconds\": 447783},"
            + " \"event\": \"DEVICE_DELETED\", \"data\": {\"device\": \"d1\", \"path\": \"/machine/peripheral/d1\"}}";
    private static final Pattern ID = Pattern.compile("\"id\":\"([^\"]+)\"");
    private static final Duration TIMEOUT = Duration.ofMillis(500);

    @TempDir
    Path work;

    @Test
    void shouldKeepAnEventThatArrivesBeforeTheAnswerAndIgnoreAnAnswerToAnotherId() throws Exception {
        try (Peer peer = new Peer(work, id -> List.of(DEVICE_DELETED, "{\"return\": {}, \"id\": \"other\"}",
                "{\"return\": {}, \"id\": \"" + id + "\"}"));
             QmpClient qmp = peer.connect()) {

            JsonValue answer = qmp.execute("device_del", QmpClient.JSON.createObjectBuilder().add("id", "d1").build());
            Optional<JsonObject> event = qmp.awaitEvent("DEVICE_DELETED",
                    d -> "d1".equals(QmpClient.stringOf(d, "device").orElse(null)), Duration.ofMillis(1));

            assertEquals(JsonValue.EMPTY_JSON_OBJECT, answer);
            assertEquals("/machine/peripheral/d1", event.orElseThrow().getString("path"));
            assertEquals(Optional.empty(), qmp.awaitEvent("DEVICE_DELETED", d -> true, Duration.ofMillis(50)),
                    "an event is handed out once");
        }
    }

    @Test
    void shouldTurnAnErrorAnswerIntoItsClassAndDescription() throws Exception {
        try (Peer peer = new Peer(work, id -> List.of("{\"id\": \"" + id + "\", \"error\": {\"class\": \"GenericError\","
                + " \"desc\": \"Failed to find node with node-name='n1'\"}}"));
             QmpClient qmp = peer.connect()) {

            QmpException e = assertThrows(QmpException.class, () -> qmp.execute("blockdev-del",
                    QmpClient.JSON.createObjectBuilder().add("node-name", "n1").build()));

            assertEquals("GenericError", e.errorClass());
            assertEquals("Failed to find node with node-name='n1'", e.description());
            assertEquals("blockdev-del", e.command());
        }
    }

    @Test
    void shouldGiveUpOnAnAnswerThatNeverComes() throws Exception {
        try (Peer peer = new Peer(work, id -> List.of()); QmpClient qmp = peer.connect()) {

            DriverException e = assertThrows(DriverException.class,
                    () -> qmp.execute("query-status", JsonValue.EMPTY_JSON_OBJECT));

            assertEquals(DriverException.Code.IO_ERROR, e.code());
            assertTrue(e.getMessage().contains("no answer to query-status from test peer within 500 ms"),
                    e.getMessage());
        }
    }

    @Test
    void shouldReportAConnectionThatClosesWhileWaiting() throws Exception {
        // socat passes the socket's end on to its stdout only after its half-close delay (-t, 0.5 s).
        try (Peer peer = new Peer(work, id -> null); QmpClient qmp = peer.connect(Duration.ofSeconds(10))) {

            DriverException e = assertThrows(DriverException.class,
                    () -> qmp.execute("query-status", JsonValue.EMPTY_JSON_OBJECT));

            assertEquals(DriverException.Code.IO_ERROR, e.code());
            assertTrue(e.getMessage().contains("closed while waiting for the answer to query-status"), e.getMessage());
        }
    }

    /**
     * A unix-socket peer that greets, accepts capabilities, and answers the next command with the
     * lines {@code script} gives for its id (or closes the connection when it gives {@code null}).
     */
    private static final class Peer implements AutoCloseable {
        private final ServerSocketChannel server;
        private final Path socket;
        private final CompletableFuture<Void> done;

        Peer(Path dir, Function<String, List<String>> script) throws IOException {
            socket = dir.resolve("peer.qmp");
            server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
            server.bind(UnixDomainSocketAddress.of(socket));
            done = CompletableFuture.runAsync(() -> serve(script));
        }

        QmpClient connect() throws DriverException {
            return connect(TIMEOUT);
        }

        QmpClient connect(Duration timeout) throws DriverException {
            LocalHostShell shell = new LocalHostShell("localhost");
            return QmpClient.open(shell.start(Command.of("socat", "-", "UNIX-CONNECT:" + socket)), "test peer",
                    timeout);
        }

        private void serve(Function<String, List<String>> script) {
            try (SocketChannel channel = server.accept()) {
                BufferedReader in = new BufferedReader(new InputStreamReader(Channels.newInputStream(channel),
                        StandardCharsets.UTF_8));
                OutputStream out = Channels.newOutputStream(channel);
                send(out, GREETING);
                send(out, "{\"return\": {}, \"id\": \"" + idOf(in.readLine()) + "\"}");
                List<String> lines = script.apply(idOf(in.readLine()));
                if (lines == null) {
                    return;
                }
                for (String line : lines) {
                    send(out, line);
                }
                in.readLine(); // hold the connection until the client closes it
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }

        private static String idOf(String line) {
            Matcher m = ID.matcher(String.valueOf(line));
            if (!m.find()) {
                throw new IllegalStateException("no id in " + line);
            }
            return m.group(1);
        }

        private static void send(OutputStream out, String line) throws IOException {
            out.write((line + "\r\n").getBytes(StandardCharsets.UTF_8));
            out.flush();
        }

        @Override
        public void close() throws Exception {
            server.close();
            done.get(10, TimeUnit.SECONDS);
        }
    }
}
