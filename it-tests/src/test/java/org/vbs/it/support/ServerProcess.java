package org.vbs.it.support;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.vbs.security.KeyStores;
import org.vbs.security.Pem;
import org.vbs.security.pki.PkiLayout;

/**
 * A VBS server process started the way a person starts one: the project's run script
 * (bin/vbs-server) with a VBS_HOME of its own and a port offset, in the background
 * (LAUNCH_JBOSS_IN_BACKGROUND=1, JBOSS_PIDFILE). {@link #stop} ends exactly that server's JVM, by
 * the PID its pid file names, and waits for it; a JVM shutdown hook does the same if a test run is
 * cut short, so no server outlives the tests.
 *
 * <p>A test may add JVM options of its own (a Java agent, say): they go into a run configuration of
 * this server's own that WildFly's standalone.sh reads instead of its standalone.conf (RUN_CONF), which
 * first reads standalone.conf and then appends them, so WildFly's default options (heap, IPv4 stack,
 * {@code jboss.modules.system.pkgs}) stay as they are. Setting JAVA_OPTS instead would replace those
 * defaults, and an agent given to JBoss Modules (MODULE_OPTS) is loaded by a class loader that
 * cannot see classes the system packages name, such as Byteman's.
 */
public final class ServerProcess {
    private static final Duration BOOT_PATIENCE = Duration.ofMinutes(5);
    private static final Duration STOP_PATIENCE = Duration.ofMinutes(2);
    /** What standalone.sh evaluates JAVA_OPTS with leaves these characters alone. */
    private static final Pattern PLAIN_OPTION = Pattern.compile("-[A-Za-z0-9_./:=,+@%-]+");

    private final Path vbsHome;
    private final int portOffset;
    private final Path log;
    private final Path pidFile;
    private final boolean lab;
    private final List<String> arguments;
    private final Path runConf;
    private final List<String> jvmOptions;
    private final Optional<String> nodeName;
    private final boolean plainHttp;
    private final Optional<String> privateAddress;
    private Optional<Process> launcher = Optional.empty();
    private Optional<ProcessHandle> server = Optional.empty();
    private final Thread killOnExit = new Thread(this::killQuietly, "vbs-it-stop-server");

    private ServerProcess(Path vbsHome, int portOffset, Path workDir, boolean lab, List<String> arguments,
            List<String> jvmOptions, Optional<String> nodeName, boolean plainHttp, Optional<String> privateAddress) {
        this.vbsHome = vbsHome;
        this.privateAddress = privateAddress;
        this.nodeName = nodeName;
        this.plainHttp = plainHttp;
        this.lab = lab;
        this.arguments = List.copyOf(arguments);
        this.portOffset = portOffset;
        this.log = workDir.resolve("server-console.log");
        this.pidFile = workDir.resolve("server.pid");
        this.runConf = workDir.resolve("server-run.conf");
        this.jvmOptions = List.copyOf(jvmOptions);
        for (String option : this.jvmOptions) {
            if (!PLAIN_OPTION.matcher(option).matches()) {
                throw new IllegalArgumentException("not a JVM option standalone.sh passes on unchanged: " + option);
            }
        }
    }

    /**
     * A server for the VBS_HOME (made by the run script if it is missing or empty), not started yet.
     *
     * @param workDir where the server's console log and pid file go
     */
    public static ServerProcess of(Path vbsHome, int portOffset, Path workDir) {
        return new ServerProcess(vbsHome, portOffset, workDir, true, List.of(), List.of(), Optional.empty(), true,
                Optional.empty());
    }

    /**
     * The same server without the run script's single-machine lab ({@code VBS_LAB=0}: no tgtd, no
     * demo VM), for a test that registers hosts of its own in {@code $VBS_HOME/hosts} before it starts.
     */
    public static ServerProcess withoutLab(Path vbsHome, int portOffset, Path workDir) {
        return new ServerProcess(vbsHome, portOffset, workDir, false, List.of(), List.of(), Optional.empty(), true,
                Optional.empty());
    }

    /**
     * The same server started with these arguments after the run script (which passes them on to
     * standalone.sh), e.g. {@code -Dvbs.timeout.host-call=5}.
     */
    public ServerProcess withArguments(String... serverArguments) {
        return new ServerProcess(vbsHome, portOffset, log.getParent(), lab, List.of(serverArguments), jvmOptions,
                nodeName, plainHttp, privateAddress);
    }

    /**
     * The same server (not started yet) whose JVM gets these options after WildFly's own, e.g. a
     * {@code -javaagent:...}. Only characters standalone.sh passes on unchanged are accepted.
     */
    public ServerProcess withJvmOptions(List<String> options) {
        if (server.isPresent()) {
            throw new IllegalStateException("already started: " + server.get().pid());
        }
        return new ServerProcess(vbsHome, portOffset, log.getParent(), lab, arguments, options, nodeName, plainHttp,
                privateAddress);
    }

    /**
     * The same server (not started yet) with this cluster node name ({@code VBS_NODE_NAME}), instead of
     * the one the run script derives from the host name and the port offset.
     */
    public ServerProcess withNodeName(String name) {
        return new ServerProcess(vbsHome, portOffset, log.getParent(), lab, arguments, jvmOptions, Optional.of(name),
                plainHttp, privateAddress);
    }

    /** The same server (not started yet) with its plain HTTP listener off ({@code VBS_HTTP=0}): HTTPS only. */
    public ServerProcess withoutPlainHttp() {
        if (server.isPresent()) {
            throw new IllegalStateException("already started: " + server.get().pid());
        }
        return new ServerProcess(vbsHome, portOffset, log.getParent(), lab, arguments, jvmOptions, nodeName, false,
                privateAddress);
    }

    /**
     * The same server (not started yet) with its cluster traffic (JGroups) bound to this address
     * ({@code VBS_BIND_PRIVATE}) instead of 127.0.0.1, e.g. a veth address a network namespace reaches.
     */
    public ServerProcess withPrivateAddress(String address) {
        if (server.isPresent()) {
            throw new IllegalStateException("already started: " + server.get().pid());
        }
        return new ServerProcess(vbsHome, portOffset, log.getParent(), lab, arguments, jvmOptions, nodeName, plainHttp,
                Optional.of(address));
    }

    /** The HTTPS endpoint (8443 + the port offset), served with the server credential of the VBS_HOME. */
    public URI httpsEndpoint() {
        return URI.create("https://127.0.0.1:" + (8443 + portOffset) + "/vbs/VolumeService");
    }

    /**
     * What the readiness URL ({@code /vbs/health/ready}, the load balancer's health check) answers now,
     * over plain HTTP: its status and body.
     */
    public HttpResponse<String> readiness() throws IOException, InterruptedException {
        URI ready = endpoint().resolve("/vbs/health/ready");
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(ready).timeout(Duration.ofSeconds(10)).GET()
                .build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    }

    /** The PID of the server's JVM (started). */
    public long pid() {
        return server.orElseThrow(() -> new IllegalStateException("not started")).pid();
    }

    /** Everything the server and its run script printed, over all its starts. */
    public Path consoleLog() {
        return log;
    }

    public Path vbsHome() {
        return vbsHome;
    }

    public URI endpoint() {
        return ItConfig.endpoint(8080 + portOffset);
    }

    /**
     * The view of the server's JGroups channel ("ee", which the metadata caches use) as its management
     * interface reports it, e.g. {@code [a|1] (2) [a, b]}: read with WildFly's jboss-cli, which logs in
     * as the local user (JBOSS-LOCAL-USER: same OS user, no password).
     *
     * @throws AssertionError if the read fails (with the CLI's output)
     */
    public String clusterView() throws IOException, InterruptedException {
        Processes.Result read = Processes.run(List.of(ItConfig.jbossCli().toString(), "--connect",
                "--controller=remote+http://127.0.0.1:" + (9990 + portOffset),
                "--command=/subsystem=jgroups/channel=ee:read-attribute(name=view)"), Map.of(), STOP_PATIENCE);
        if (read.exitCode() != 0 || !read.stdout().contains("\"outcome\" => \"success\"")) {
            throw new AssertionError("could not read the cluster view: " + read.describe());
        }
        return read.stdout();
    }

    /** The server's audit log: one line a call (its base dir's log directory, see 40-audit.cli). */
    public Path auditLog() {
        return vbsHome.resolve("server/log/audit.log");
    }

    /**
     * Starts the server and waits until it answers its WSDL (so vbs.ear is deployed).
     *
     * @throws AssertionError if it exits or does not answer in time (with the end of its log)
     */
    public void start() throws IOException, InterruptedException {
        launch();
        awaitAnswering();
    }

    /**
     * Starts the server without waiting for it, so several can boot at once; {@link #awaitAnswering}
     * then waits for each.
     */
    public void launch() throws IOException {
        if (launcher.isPresent()) {
            throw new IllegalStateException("already started: " + launcher.get().pid());
        }
        Files.deleteIfExists(pidFile);
        List<String> argv = new ArrayList<>(List.of(ItConfig.runScript().toString()));
        argv.addAll(arguments);
        ProcessBuilder builder = new ProcessBuilder(argv)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
        builder.environment().put("VBS_HOME", vbsHome.toString());
        builder.environment().put("VBS_PORT_OFFSET", Integer.toString(portOffset));
        // Never build from inside a build: the run script uses what `mvn verify` already made.
        builder.environment().put("VBS_NO_BUILD", "1");
        builder.environment().put("VBS_LAB", lab ? "1" : "0");
        builder.environment().put("VBS_HTTP", plainHttp ? "1" : "0");
        nodeName.ifPresent(name -> builder.environment().put("VBS_NODE_NAME", name));
        privateAddress.ifPresent(address -> builder.environment().put("VBS_BIND_PRIVATE", address));
        builder.environment().put("LAUNCH_JBOSS_IN_BACKGROUND", "1");
        builder.environment().put("JBOSS_PIDFILE", pidFile.toString());
        if (!jvmOptions.isEmpty()) {
            Files.writeString(runConf, String.join("\n", "# Written by the test's ServerProcess: WildFly's own"
                    + " settings, then the test's JVM options.", ". \"$DIRNAME/standalone.conf\"",
                    "JAVA_OPTS=\"$JAVA_OPTS " + String.join(" ", jvmOptions) + "\"", ""), StandardCharsets.UTF_8);
            builder.environment().put("RUN_CONF", runConf.toString());
        }
        Runtime.getRuntime().addShutdownHook(killOnExit);
        launcher = Optional.of(builder.start());
    }

    /**
     * Stops the server with SIGTERM, as an operator's Ctrl-C or service manager would, and waits until
     * its JVM and the run script have exited. Harmless if it is not running.
     */
    public void stop() throws InterruptedException {
        Optional<ProcessHandle> jvm = server.or(this::serverFromPidFile);
        if (jvm.isPresent()) {
            ProcessHandle handle = jvm.get();
            handle.destroy();
            try {
                handle.onExit().get(STOP_PATIENCE.toMillis(), TimeUnit.MILLISECONDS);
            } catch (TimeoutException | ExecutionException e) {
                handle.destroyForcibly();
                throw new AssertionError("the server (pid " + handle.pid() + ") did not stop on SIGTERM within "
                        + STOP_PATIENCE.toSeconds() + " s and was killed; log: " + log, e);
            }
        }
        awaitRunScriptExit();
        forget();
    }

    /**
     * Waits until the server's JVM ended by itself (a test halted it from inside) and the run script
     * exited after it, so the server can be started again on the same VBS_HOME.
     *
     * @throws AssertionError if the JVM is still running after {@code patience}
     */
    public void awaitHalted(Duration patience) throws InterruptedException {
        ProcessHandle jvm = server.or(this::serverFromPidFile).orElseThrow(() -> new IllegalStateException(
                "no server JVM to wait for"));
        try {
            jvm.onExit().get(patience.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException | ExecutionException e) {
            throw new AssertionError("the server (pid " + jvm.pid() + ") is still running " + patience.toSeconds()
                    + " s after it was to halt; log: " + log, e);
        }
        awaitRunScriptExit();
        forget();
    }

    private void awaitRunScriptExit() throws InterruptedException {
        if (launcher.isPresent() && !launcher.get().waitFor(STOP_PATIENCE.toMillis(), TimeUnit.MILLISECONDS)) {
            launcher.get().destroyForcibly();
            throw new AssertionError("the run script did not exit after its server stopped; log: " + log);
        }
    }

    private void forget() {
        server = Optional.empty();
        launcher = Optional.empty();
        try {
            Runtime.getRuntime().removeShutdownHook(killOnExit);
        } catch (IllegalStateException shuttingDown) {
            // The JVM is already exiting: the hook runs (or ran) anyway, and finds nothing to stop.
        }
    }

    /** How the start-up recovery reports, with how many interrupted operations it found. */
    private static final Pattern RECOVERED = Pattern.compile("Recovery: (\\d+) interrupted operation\\(s\\)");

    /**
     * Waits until the console shows the start-up recovery after {@code fromOffset} (its length before the
     * start) and returns how many interrupted operations it found. Recovery runs at the first takeover look
     * after the server's first scan of its metadata copies, a few seconds after the deployment.
     */
    public int awaitStartRecovery(long fromOffset, Duration patience) throws Exception {
        return Await.until("the start-up recovery in " + log, patience, () -> {
            Matcher recovered = RECOVERED.matcher(ConsoleLog.since(log, fromOffset));
            return recovered.find() ? Optional.of(Integer.parseInt(recovered.group(1))) : Optional.empty();
        }, this::logTail);
    }

    /** The last lines of the server's console, for failure messages. */
    public String logTail() {
        try {
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 60), lines.size()));
        } catch (IOException e) {
            return "(cannot read " + log + ": " + e + ")";
        }
    }

    /**
     * Waits until the server {@link #launch}ed answers its WSDL (so vbs.ear is deployed).
     *
     * @throws AssertionError if it exits or does not answer in time (with the end of its log)
     */
    public void awaitAnswering() throws InterruptedException {
        awaitAnswering(BOOT_PATIENCE);
    }

    /**
     * The same with a bound of the caller's, e.g. for servers that boot at once and share the cores.
     *
     * @throws AssertionError if it exits or does not answer within the patience (with the end of its log)
     */
    public void awaitAnswering(Duration patience) throws InterruptedException {
        URI answering = plainHttp ? endpoint() : httpsEndpoint();
        HttpRequest wsdl = HttpRequest.newBuilder(URI.create(answering + "?wsdl")).timeout(Duration.ofSeconds(10))
                .GET().build();
        Optional<HttpClient> client = Optional.empty();
        long deadline = System.nanoTime() + patience.toNanos();
        while (System.nanoTime() < deadline) {
            if (server.isEmpty()) {
                server = serverFromPidFile();
            }
            if (!launcher.orElseThrow().isAlive()) {
                throw new AssertionError("the run script exited with " + launcher.get().exitValue()
                        + " before the server answered; log " + log + ":\n" + logTail());
            }
            // Over HTTPS, the run script's development CA (made at its start) vouches for the server.
            if (client.isEmpty() && (plainHttp || Files.exists(PkiLayout.under(vbsHome).caCert()))) {
                client = Optional.of(httpClient());
            }
            try {
                if (client.isPresent()
                        && client.get().send(wsdl, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    if (server.isEmpty()) {
                        throw new AssertionError("something answers on " + answering + " but our server wrote no"
                                + " pid file: another server uses the port?");
                    }
                    return;
                }
            } catch (IOException notYetListening) {
                // Booting: the HTTP listener or the deployment is not there yet.
            }
            Thread.sleep(500);
        }
        throw new AssertionError("the server did not answer " + answering + "?wsdl within " + patience.toMinutes()
                + " min; log " + log + ":\n" + logTail());
    }

    /** Plain, or trusting the VBS_HOME's development CA. */
    private HttpClient httpClient() {
        return plainHttp ? HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build()
                : trustingDevelopmentCa(vbsHome);
    }

    /** An HTTPS client (no client certificate) trusting only the development CA of the VBS_HOME. */
    public static HttpClient trustingDevelopmentCa(Path vbsHome) {
        try {
            TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            trust.init(KeyStores.trusting(Pem.readCertificates(PkiLayout.under(vbsHome).caCert()), "ca"));
            SSLContext tls = SSLContext.getInstance("TLSv1.3");
            tls.init(null, trust.getTrustManagers(), null);
            return HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).sslContext(tls).build();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot trust the development CA of " + vbsHome, e);
        }
    }

    private Optional<ProcessHandle> serverFromPidFile() {
        try {
            if (!Files.exists(pidFile)) {
                return Optional.empty();
            }
            String pid = Files.readString(pidFile, StandardCharsets.US_ASCII).trim();
            return pid.isEmpty() ? Optional.empty() : ProcessHandle.of(Long.parseLong(pid));
        } catch (IOException | NumberFormatException e) {
            throw new IllegalStateException("unreadable pid file " + pidFile, e);
        }
    }

    /** The shutdown hook: a test run cut short must not leave the server behind. */
    private void killQuietly() {
        server.or(this::serverFromPidFile).ifPresent(ProcessHandle::destroy);
        launcher.ifPresent(Process::destroy);
    }
}
