package org.vbs.plugins.vmm.qemu;

import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import jakarta.json.spi.JsonProvider;
import jakarta.json.JsonException;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.StringReader;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.vbs.plugins.spi.DriverException;
import org.vbs.plugins.spi.HostProcess;

/**
 * One QMP session with one QEMU instance, over a byte pipe to its QMP socket (a {@link HostProcess}
 * such as {@code socat - UNIX-CONNECT:<socket>}, local or through SSH). It reads the greeting, leaves
 * capabilities negotiation with {@code qmp_capabilities}, and then runs commands one at a time,
 * matching each answer to its command by {@code "id"}. Asynchronous events (e.g. {@code DEVICE_DELETED})
 * that arrive between answers are kept, so a caller can wait for one that came before it asked.
 * Every wait is bounded by the session's timeout.
 *
 * <p>Nothing this class throws or logs holds a command's arguments (they may carry a secret).
 * Not thread-safe: one caller at a time (QEMU serves one QMP client per socket anyway).
 */
final class QmpClient implements AutoCloseable {
    /** Loaded with this bundle's class loader, so the embedded Parsson is found inside OSGi too. */
    static final JsonProvider JSON = loadProvider();

    /** What the reader thread hands over when the pipe ends. */
    private static final Object CLOSED = new Object();

    private final HostProcess process;
    private final String peer;
    private final Duration timeout;
    private final BlockingQueue<Object> inbox = new LinkedBlockingQueue<>();
    private final List<JsonObject> events = new ArrayList<>();
    private long nextId;
    private boolean closed;

    private QmpClient(HostProcess process, String peer, Duration timeout) {
        this.process = process;
        this.peer = peer;
        this.timeout = timeout;
    }

    /**
     * Starts a session on an open pipe: waits for the greeting and negotiates capabilities. The
     * pipe is closed if this fails.
     *
     * @param peer names the instance and host in messages, e.g. {@code "instance vm-1 on host kvm7"}
     * @throws DriverException {@code IO_ERROR} when no greeting comes within the timeout, the pipe
     *         ends first, or QEMU refuses {@code qmp_capabilities}
     */
    static QmpClient open(HostProcess process, String peer, Duration timeout) throws DriverException {
        QmpClient client = new QmpClient(process, peer, timeout);
        try {
            client.startReader();
            JsonObject greeting = client.next(System.nanoTime() + timeout.toNanos(), "QMP greeting");
            if (!greeting.containsKey("QMP")) {
                throw new DriverException(DriverException.Code.IO_ERROR, "the QMP socket of " + peer
                        + " did not greet with QMP: " + greeting.keySet());
            }
            client.execute("qmp_capabilities", JsonValue.EMPTY_JSON_OBJECT);
            return client;
        } catch (QmpException e) {
            client.close();
            throw new DriverException(DriverException.Code.IO_ERROR, peer + ": " + e.getMessage(), e);
        } catch (DriverException | RuntimeException e) {
            client.close();
            throw e;
        }
    }

    /**
     * Runs one command and waits (bounded) for its answer.
     *
     * @return the answer's {@code "return"} value
     * @throws QmpException when QEMU answers with an error
     * @throws DriverException {@code IO_ERROR} on a timeout or a broken pipe
     */
    JsonValue execute(String command, JsonObject arguments) throws QmpException, DriverException {
        String id = "vbs-" + (++nextId);
        var message = JSON.createObjectBuilder().add("execute", command).add("id", id);
        if (!arguments.isEmpty()) {
            message.add("arguments", arguments);
        }
        send(command, message.build());
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            JsonObject answer = next(deadline, "answer to " + command);
            if (answer.containsKey("event")) {
                events.add(answer);
                continue;
            }
            if (!id.equals(stringOf(answer, "id").orElse(null))) {
                continue; // an answer to an earlier, timed-out command of this session
            }
            if (answer.containsKey("error")) {
                JsonObject error = answer.getJsonObject("error");
                throw new QmpException(command, stringOf(error, "class").orElse("?"),
                        stringOf(error, "desc").orElse("(no description)"));
            }
            return answer.getOrDefault("return", JsonValue.EMPTY_JSON_OBJECT);
        }
    }

    /**
     * Waits for an event: one that already arrived in this session counts (and is consumed).
     *
     * @return the event's {@code "data"}, or {@code Optional.empty()} if none came within {@code limit}
     * @throws DriverException {@code IO_ERROR} when the pipe breaks
     */
    Optional<JsonObject> awaitEvent(String name, Predicate<JsonObject> data, Duration limit) throws DriverException {
        Predicate<JsonObject> matches = e -> name.equals(stringOf(e, "event").orElse(null))
                && data.test(e.getOrDefault("data", JsonValue.EMPTY_JSON_OBJECT).asJsonObject());
        for (Iterator<JsonObject> it = events.iterator(); it.hasNext(); ) {
            JsonObject event = it.next();
            if (matches.test(event)) {
                it.remove();
                return Optional.of(event.getOrDefault("data", JsonValue.EMPTY_JSON_OBJECT).asJsonObject());
            }
        }
        long deadline = System.nanoTime() + limit.toNanos();
        while (true) {
            Object message = poll(deadline);
            if (message == null) {
                return Optional.empty();
            }
            JsonObject object = messageOrFail(message, "event " + name);
            if (matches.test(object)) {
                return Optional.of(object.getOrDefault("data", JsonValue.EMPTY_JSON_OBJECT).asJsonObject());
            }
            if (object.containsKey("event")) {
                events.add(object);
            }
        }
    }

    /** Ends the session and the pipe (and with a local shell, the {@code socat} process). */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            process.stdin().close();
        } catch (IOException e) {
            // The pipe is already gone; closing the process below is what frees it.
        }
        process.close();
    }

    static Optional<String> stringOf(JsonObject object, String key) {
        JsonValue value = object.get(key);
        return value instanceof JsonString s ? Optional.of(s.getString()) : Optional.empty();
    }

    private void send(String command, JsonObject message) throws DriverException {
        StringWriter text = new StringWriter();
        try (var writer = JSON.createWriter(text)) {
            writer.writeObject(message);
        }
        byte[] bytes = (text + "\n").getBytes(StandardCharsets.UTF_8);
        try {
            OutputStream out = process.stdin();
            out.write(bytes);
            out.flush();
        } catch (IOException e) {
            throw new DriverException(DriverException.Code.IO_ERROR, "cannot send QMP " + command + " to " + peer
                    + ": the connection is closed (" + e.getMessage() + ")", e);
        } finally {
            Arrays.fill(bytes, (byte) 0); // the command may hold a secret
        }
    }

    private JsonObject next(long deadline, String what) throws DriverException {
        Object message = poll(deadline);
        if (message == null) {
            throw new DriverException(DriverException.Code.IO_ERROR, "no " + what + " from " + peer + " within "
                    + timeout.toMillis() + " ms");
        }
        return messageOrFail(message, what);
    }

    private JsonObject messageOrFail(Object message, String what) throws DriverException {
        if (message == CLOSED) {
            inbox.add(CLOSED); // every later wait fails the same way
            throw new DriverException(DriverException.Code.IO_ERROR, "the QMP connection to " + peer
                    + " closed while waiting for the " + what);
        }
        if (message instanceof DriverException e) {
            inbox.add(CLOSED);
            throw new DriverException(e.code(), e.getMessage() + " (while waiting for the " + what + ")", e);
        }
        return (JsonObject) message;
    }

    private Object poll(long deadline) throws DriverException {
        try {
            return inbox.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DriverException(DriverException.Code.IO_ERROR, "interrupted while talking QMP to " + peer, e);
        }
    }

    /** QMP sends one JSON object per line; a thread of its own turns lines into messages. */
    private void startReader() {
        Thread reader = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(process.stdout(), StandardCharsets.UTF_8))) {
                for (String line = in.readLine(); line != null; line = in.readLine()) {
                    if (line.isBlank()) {
                        continue;
                    }
                    try (var json = JSON.createReader(new StringReader(line))) {
                        inbox.add(json.readObject());
                    } catch (JsonException e) {
                        inbox.add(new DriverException(DriverException.Code.IO_ERROR, peer
                                + " sent something that is not a QMP message: " + e.getMessage(), e));
                        return;
                    }
                }
            } catch (IOException e) {
                // The pipe broke (or was closed by close()): a waiting caller learns it from CLOSED.
            } finally {
                inbox.add(CLOSED);
            }
        }, "vbs-qmp-reader");
        reader.setDaemon(true);
        reader.start();
    }

    /**
     * The JSON-P provider of this bundle. {@link JsonProvider#provider()} looks for implementations
     * through the thread's context class loader, which in an OSGi framework is not the bundle's, so
     * the lookup runs with this class's loader (where the embedded Parsson is).
     */
    private static JsonProvider loadProvider() {
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        thread.setContextClassLoader(QmpClient.class.getClassLoader());
        try {
            return Objects.requireNonNull(JsonProvider.provider(), "JSON provider");
        } finally {
            thread.setContextClassLoader(previous);
        }
    }
}
