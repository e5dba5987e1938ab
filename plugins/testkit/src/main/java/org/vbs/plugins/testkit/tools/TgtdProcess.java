package org.vbs.plugins.testkit.tools;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A real {@code tgtd} (Debian's tgt) started by a test as its own child process, with a control
 * socket of its own ({@code -C N}) and an iSCSI portal on a free port, so it never meets another
 * tgtd on the machine. {@link #close()} removes every target it holds (tgtd refuses to stop while
 * one exists), stops it with {@code tgtadm --mode system --op delete} (it ignores SIGTERM) and waits
 * for it; only if it does not end is it killed, by its own PID.
 *
 * <p>{@code netnsPrefix} runs tgtd (and the {@code tgtadm} calls of this class) inside a network
 * namespace, e.g. {@code List.of("ip", "netns", "exec", "vbs-vs1")}.
 */
public final class TgtdProcess implements AutoCloseable {
    private static final Duration READY = Duration.ofSeconds(10);
    private static final Pattern TARGET_LINE = Pattern.compile("^Target (\\d+): ", Pattern.MULTILINE);

    private final Process process;
    private final List<String> netnsPrefix;
    private final int control;
    private final String portalAddress;
    private final int port;
    private final Path log;

    private TgtdProcess(Process process, List<String> netnsPrefix, int control, String portalAddress, int port,
                        Path log) {
        this.process = process;
        this.netnsPrefix = netnsPrefix;
        this.control = control;
        this.portalAddress = portalAddress;
        this.port = port;
        this.log = log;
    }

    /** A tgtd on 127.0.0.1 and a free port. */
    public static TgtdProcess startOnLoopback(Path workDir) throws IOException {
        return start(workDir, List.of(), "127.0.0.1", freePort());
    }

    /**
     * @param workDir where tgtd's output goes ({@code tgtd-N.log})
     * @param portalAddress the address to listen on (inside the namespace, if any)
     */
    public static TgtdProcess start(Path workDir, List<String> netnsPrefix, String portalAddress, int port)
            throws IOException {
        return start(workDir, netnsPrefix, portalAddress, port, freeControlNumber());
    }

    /**
     * A tgtd with a given control number, e.g. the same one's again after {@link #close()}: what a
     * volume server's registration names ({@code export.control}, {@code export.portal}) reaches it again.
     */
    public static TgtdProcess start(Path workDir, List<String> netnsPrefix, String portalAddress, int port,
                                    int control) throws IOException {
        Path log = workDir.resolve("tgtd-" + control + ".log");
        List<String> argv = new ArrayList<>(netnsPrefix);
        argv.addAll(List.of("tgtd", "-f", "-C", String.valueOf(control), "--iscsi",
                "portal=" + portalAddress + ":" + port));
        Process process = new ProcessBuilder(argv).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        TgtdProcess tgtd = new TgtdProcess(process, List.copyOf(netnsPrefix), control, portalAddress, port, log);
        try {
            tgtd.awaitReady();
        } catch (IOException | RuntimeException e) {
            tgtd.close();
            throw e;
        }
        return tgtd;
    }

    /** The {@code -C} number: pass it to tgtadm as {@code -C N}. */
    public int controlNumber() {
        return control;
    }

    /** {@code address:port} of the iSCSI portal. */
    public String portal() {
        return portalAddress + ":" + port;
    }

    public int port() {
        return port;
    }

    /** Runs {@code tgtadm -C N <args>} (in the namespace, if any) and returns its output; fails on a non-zero exit. */
    public String tgtadm(String... args) throws IOException {
        List<String> argv = new ArrayList<>(netnsPrefix);
        argv.addAll(List.of("tgtadm", "-C", String.valueOf(control)));
        argv.addAll(List.of(args));
        ExecResult result = ExecResult.of(argv, Duration.ofSeconds(20));
        if (result.exitCode() != 0) {
            throw new IOException(String.join(" ", argv) + " exited " + result.exitCode() + ": " + result.output());
        }
        return result.output();
    }

    /** The tids of the targets tgtd holds now. */
    public List<Integer> targetIds() throws IOException {
        Matcher m = TARGET_LINE.matcher(tgtadm("--lld", "iscsi", "--mode", "target", "--op", "show"));
        List<Integer> tids = new ArrayList<>();
        while (m.find()) {
            tids.add(Integer.parseInt(m.group(1)));
        }
        return tids;
    }

    /** The whole {@code --mode target --op show} listing (targets, LUNs, ACLs, accounts). */
    public String showTargets() throws IOException {
        return tgtadm("--lld", "iscsi", "--mode", "target", "--op", "show");
    }

    /** The CHAP accounts tgtd holds now. */
    public String showAccounts() throws IOException {
        return tgtadm("--lld", "iscsi", "--mode", "account", "--op", "show");
    }

    @Override
    public void close() throws IOException {
        try {
            if (process.isAlive()) {
                for (int tid : targetIds()) {
                    tgtadm("--lld", "iscsi", "--mode", "target", "--op", "delete", "--force", "--tid",
                            String.valueOf(tid));
                }
                tgtadm("--mode", "system", "--op", "delete");
            }
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
                throw new IOException("tgtd -C " + control + " did not stop; it was killed. Its log: "
                        + Files.readString(log, StandardCharsets.UTF_8));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
            throw new IOException("interrupted while stopping tgtd -C " + control, e);
        } finally {
            if (process.isAlive()) {
                process.destroyForcibly();
            }
        }
    }

    private void awaitReady() throws IOException {
        Instant deadline = Instant.now().plus(READY);
        while (Instant.now().isBefore(deadline)) {
            if (!process.isAlive()) {
                throw new IOException("tgtd -C " + control + " exited at start: "
                        + Files.readString(log, StandardCharsets.UTF_8));
            }
            List<String> argv = new ArrayList<>(netnsPrefix);
            argv.addAll(List.of("tgtadm", "-C", String.valueOf(control), "--mode", "system", "--op", "show"));
            if (ExecResult.of(argv, Duration.ofSeconds(5)).exitCode() == 0) {
                return;
            }
            ExecResult.pause(Duration.ofMillis(50));
        }
        throw new IOException("tgtd -C " + control + " was not ready within " + READY + ": "
                + Files.readString(log, StandardCharsets.UTF_8));
    }

    /** A control number whose socket does not exist yet. */
    private static int freeControlNumber() {
        for (int attempt = 0; attempt < 100; attempt++) {
            int n = ThreadLocalRandom.current().nextInt(100, 10_000);
            if (!Files.exists(Path.of("/var/run/tgtd/socket." + n))) {
                return n;
            }
        }
        throw new IllegalStateException("no free tgtd control number in /var/run/tgtd");
    }

    /** A port free on loopback now. */
    public static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
