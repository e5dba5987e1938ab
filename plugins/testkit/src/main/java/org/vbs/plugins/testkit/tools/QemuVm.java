package org.vbs.plugins.testkit.tools;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;

/**
 * A real QEMU instance started by a test as its own child: no guest OS, just a q35 machine with a
 * virtio-scsi controller {@code scsi0} (on a PCIe root port) for disks to be hot-plugged into, an empty
 * PCIe root port {@code rp2}, and a
 * QMP socket at {@code <socketDir>/<instanceId>.qmp} (the QEMU driver's layout). KVM when /dev/kvm
 * is usable, TCG otherwise ({@code -accel kvm -accel tcg} falls back by itself too).
 *
 * <p>{@link #qmp} talks to the QMP socket directly (a Java unix-domain socket, not the driver's
 * code), one short session per call, so a test checks what the driver did with a tool of its own.
 * QEMU serves one QMP client at a time: a call waits while the driver holds a session.
 * {@link #close()} quits QEMU over QMP, or kills it by its own PID, and waits for it.
 */
public final class QemuVm implements AutoCloseable {
    private static final Duration READY = Duration.ofSeconds(20);
    private static final Duration QMP_TIMEOUT = Duration.ofSeconds(30);
    private static final Path KVM = Path.of("/dev/kvm");

    private final String instanceId;
    private final Process process;
    private final Path socket;
    private final Path log;
    private int nextId;

    private QemuVm(String instanceId, Process process, Path socket, Path log) {
        this.instanceId = instanceId;
        this.process = process;
        this.socket = socket;
        this.log = log;
    }

    /**
     * @param socketDir where the QMP socket (and the instance's log, {@code <id>.log}) go
     * @param instanceId the instance's name, also its socket's name
     */
    public static QemuVm start(Path socketDir, String instanceId) throws IOException {
        return start(socketDir, instanceId, List.of());
    }

    /**
     * Starts QEMU inside a network namespace, e.g. {@link NetworkNamespace#execPrefix()}: its iSCSI
     * connections then leave from that namespace, as from a hypervisor host of its own. ({@code ip
     * netns exec} execs QEMU in its own place, so the child's PID is QEMU's.)
     */
    public static QemuVm start(Path socketDir, String instanceId, List<String> netnsPrefix) throws IOException {
        Path socket = socketDir.resolve(instanceId + ".qmp");
        Path log = socketDir.resolve(instanceId + ".log");
        List<String> argv = new ArrayList<>(netnsPrefix);
        argv.addAll(List.of("qemu-system-x86_64", "-name", instanceId));
        if (Files.isReadable(KVM) && Files.isWritable(KVM)) {
            argv.addAll(List.of("-accel", "kvm"));
        }
        argv.addAll(List.of("-accel", "tcg", "-machine", "q35", "-nodefaults", "-display", "none", "-m", "128",
                "-qmp", "unix:" + socket + ",server=on,wait=off",
                "-device", "pcie-root-port,id=rp1,bus=pcie.0,chassis=1,slot=1",
                "-device", "virtio-scsi-pci,id=scsi0,bus=rp1",
                // An empty hot-plug slot, for a test to plug what a guest must release (virtio-blk-pci).
                "-device", "pcie-root-port,id=rp2,bus=pcie.0,chassis=2,slot=2"));
        Process process = new ProcessBuilder(argv).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        QemuVm vm = new QemuVm(instanceId, process, socket, log);
        try {
            vm.awaitReady();
        } catch (IOException | RuntimeException e) {
            vm.close();
            throw e;
        }
        return vm;
    }

    public String instanceId() {
        return instanceId;
    }

    public Path socket() {
        return socket;
    }

    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** What QEMU printed so far (HMP {@code qemu-io} prints its results here, not in the QMP answer). */
    public String log() throws IOException {
        return Files.readString(log, StandardCharsets.UTF_8);
    }

    /**
     * Runs one QMP command in a session of its own.
     *
     * @param argumentsJson the {@code "arguments"} object as JSON text, or {@code null} for none
     * @return QEMU's answer line as it sent it: {@code {"return": ..., "id": ...}} or
     *         {@code {"id": ..., "error": {...}}}
     */
    public String qmp(String command, String argumentsJson) throws IOException {
        String id = "vbs-test-" + (++nextId);
        String message = "{\"execute\": \"" + command + "\", \"id\": \"" + id + "\""
                + (argumentsJson == null ? "" : ", \"arguments\": " + argumentsJson) + "}";
        SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX);
        FutureTask<String> exchange = new FutureTask<>(() -> exchange(channel, message, id));
        Thread worker = new Thread(exchange, "qemu-vm-qmp");
        worker.setDaemon(true);
        try (channel) {
            worker.start();
            return exchange.get(QMP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new IOException("QMP " + command + " on " + instanceId + ": no answer within " + QMP_TIMEOUT, e);
        } catch (ExecutionException e) {
            throw new IOException("QMP " + command + " on " + instanceId + " failed: " + e.getCause(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }

    /** Kills QEMU (SIGKILL, by its own PID) and waits until it is gone; its socket file stays, as it would. */
    public void kill() throws IOException {
        process.destroyForcibly();
        awaitExit(Duration.ofSeconds(10));
    }

    @Override
    public void close() throws IOException {
        try {
            if (process.isAlive()) {
                try {
                    qmp("quit", null);
                } catch (IOException e) {
                    // QEMU may close the socket before answering; the exit below is what counts.
                }
                if (!process.waitFor(10, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                }
                awaitExit(Duration.ofSeconds(10));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
            throw new IOException("interrupted while stopping QEMU " + instanceId, e);
        } finally {
            Files.deleteIfExists(socket);
        }
    }

    private String exchange(SocketChannel channel, String message, String id) throws IOException {
        channel.connect(UnixDomainSocketAddress.of(socket));
        Pattern answer = Pattern.compile("\"id\"\\s*:\\s*\"" + Pattern.quote(id) + "\"");
        BufferedReader in = new BufferedReader(new InputStreamReader(Channels.newInputStream(channel),
                StandardCharsets.UTF_8));
        OutputStream out = Channels.newOutputStream(channel);
        in.readLine(); // the greeting
        out.write("{\"execute\": \"qmp_capabilities\"}\n".getBytes(StandardCharsets.UTF_8));
        in.readLine(); // its answer (no events come before capabilities are negotiated)
        out.write((message + "\n").getBytes(StandardCharsets.UTF_8));
        for (String line = in.readLine(); line != null; line = in.readLine()) {
            if (answer.matcher(line).find()) {
                return line;
            }
        }
        throw new IOException("QMP connection closed before the answer to " + message);
    }

    private void awaitReady() throws IOException {
        Instant deadline = Instant.now().plus(READY);
        while (Instant.now().isBefore(deadline)) {
            if (!process.isAlive()) {
                throw new IOException("QEMU " + instanceId + " exited at start: " + log());
            }
            if (Files.exists(socket)) {
                try {
                    String answer = qmp("query-status", null);
                    if (answer.contains("\"return\"")) {
                        return;
                    }
                } catch (IOException e) {
                    // not listening yet
                }
            }
            ExecResult.pause(Duration.ofMillis(20));
        }
        throw new IOException("QEMU " + instanceId + " did not answer on " + socket + " within " + READY + ": " + log());
    }

    private void awaitExit(Duration limit) throws IOException {
        try {
            if (!process.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new IOException("QEMU " + instanceId + " (pid " + process.pid() + ") did not exit within " + limit);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while waiting for QEMU " + instanceId, e);
        }
    }
}
