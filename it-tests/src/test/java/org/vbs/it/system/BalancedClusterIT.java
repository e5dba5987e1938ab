package org.vbs.it.system;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.xml.ws.WebServiceException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.vbs.it.support.Await;
import org.vbs.it.support.Caller;
import org.vbs.it.support.Callers;
import org.vbs.it.support.ItConfig;
import org.vbs.it.support.MixedWorkload;
import org.vbs.it.support.Processes;
import org.vbs.it.support.ServerProcess;
import org.vbs.it.support.VbsHomes;

/**
 * Three VBS nodes, each in a network namespace of its own, behind HAProxy, started as the README tells
 * an operator to: {@code bin/vbs-cluster up}, with a cluster name, subnet, base directory and port
 * offset of this test's own. Every node reaches the one lab (tgtd and demo-vm in the root namespace)
 * and the one pool. One node's JVM is killed with SIGKILL: the balancer's calls go on, and {@code up}
 * brings the node back. {@code down} (always run at the end) leaves nothing of the cluster behind.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
public class BalancedClusterIT {
    private static final int NODES = 3;
    /** Above ClusterPairIT's second node (+50): this cluster's balancer and lab ports are taken by no one else. */
    private static final int OFFSET_ABOVE_SYSTEM = 70;
    /** Three WildFly nodes booting at once on shared cores: the script waits up to 10 min; this bounds the script. */
    private static final Duration UP_PATIENCE = Duration.ofMinutes(15);
    private static final Duration DOWN_PATIENCE = Duration.ofMinutes(5);
    private static final Pattern NODE_LINE = Pattern.compile(
            "^(node\\d+) namespace=(\\S+) address=(\\S+) pid=(\\S+) jvm=(\\S+) balancer=(\\S+) ready=(\\d{3}) ?(.*)$",
            Pattern.MULTILINE);
    /** The request id an InternalError's message names. */
    private static final Pattern REQUEST = Pattern.compile("request ([0-9a-f]{8}-[0-9a-f-]{27})");
    /** A view as WildFly logs it, "[node3(v=16.0.5)|6] (3) [node3(v=16.0.5), node1(...), ...]": its id, first member. */
    private static final Pattern VIEW = Pattern.compile("\\|(\\d+)] \\(\\d+\\) \\[([^(,\\]]+)");
    /** How many calls go through the balancer after the kill, each retried at most once. */
    private static final int CALLS_AFTER_KILL = 30;
    /** The mixed workload: clients, how many of them attach, calls each (vbs.it.mixed.calls overrides). */
    private static final int MIXED_CLIENTS = 32;
    private static final int ATTACHING_CLIENTS = 4;
    private static final int MIXED_CALLS_PER_CLIENT = 1000;
    /** How many calls a client makes at least after the killed node is back, so that it serves its share. */
    private static final int CALLS_A_CLIENT_AFTER_UP = 10;

    private final int portOffset = ItConfig.systemPortOffset() + OFFSET_ABOVE_SYSTEM;
    private final String cluster = "it" + portOffset;
    private final String subnetPrefix = "10.214." + (portOffset % 250) + ".";
    private final Path home = ItConfig.workDir().resolve("balanced-cluster");
    private final Path script = ItConfig.runScript().resolveSibling("vbs-cluster");
    private final URI balancer = ItConfig.endpoint(8080 + portOffset);
    private String volume;

    /** One node as {@code bin/vbs-cluster status} shows it. */
    private record Node(String name, String namespace, String address, String jvmPid, String balancerState,
            int readiness) {
        URI endpoint() {
            return URI.create("http://" + address + ":8080/vbs/VolumeService");
        }
    }

    @BeforeAll
    public void upThreeNodesBehindTheBalancer() throws Exception {
        VbsHomes.deleteTree(home);
        Processes.Result up = cluster("up", UP_PATIENCE);
        assertEquals(0, up.exitCode(), up.describe());
        List<Node> nodes = status();
        assertEquals(NODES, nodes.size(), nodes.toString());
        for (Node node : nodes) {
            assertEquals(200, node.readiness(), node.toString());
            assertEquals("UP", node.balancerState(), node.toString());
            assertTrue(node.address().startsWith(subnetPrefix), node.toString());
        }
    }

    @AfterAll
    public void down() throws Exception {
        Processes.Result down = cluster("down", DOWN_PATIENCE);
        assertEquals(0, down.exitCode(), down.describe());
    }

    @Test
    @Order(1)
    public void volumeCreatedThroughTheBalancerIsDescribedThroughEveryNode() throws Exception {
        // when a volume is created through the balancer
        Caller throughBalancer = caller(balancer);
        volume = throughBalancer.createVolume(1).getVolumeId();
        throughBalancer.awaitVolume(volume, "available");

        // then every node, called on its own address, describes it
        for (Node node : status()) {
            assertEquals("available", caller(node.endpoint()).volume(volume).getStatus(), node.toString());
        }
        // and the WSDL, fetched from a node, names the balancer
        String wsdl = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(status().get(0).endpoint()
                + "?wsdl")).timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString(
                StandardCharsets.UTF_8)).body();
        assertTrue(wsdl.contains("location=\"" + balancer + "\""), wsdl);
        // and the balancer passes TLS through: its HTTPS port shows a node's server certificate, which
        // names 127.0.0.1 and is vouched for by the development CA
        HttpRequest wsdlOverTls = HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + (8443 + portOffset)
                + "/vbs/VolumeService?wsdl")).timeout(Duration.ofSeconds(30)).build();
        HttpResponse<String> overTls = ServerProcess.trustingDevelopmentCa(home.resolve("node1")).send(wsdlOverTls,
                HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        assertEquals(200, overTls.statusCode(), overTls.body());
        assertTrue(overTls.body().contains("location=\"" + balancer + "\""), overTls.body());
    }

    @Test
    @Order(2)
    public void volumeMadeThroughOneNodeIsAttachedThroughAnotherAndDetachedThroughAThird() throws Exception {
        // given a volume made through node 1
        List<Node> nodes = status();
        Caller first = caller(nodes.get(0).endpoint());
        String attached = first.createVolume(1).getVolumeId();
        first.awaitVolume(attached, "available");

        // when node 2 attaches it to the lab's VM (tgtd and QEMU run in the root namespace)
        Caller second = caller(nodes.get(1).endpoint());
        second.attachVolume(attached, "local", "demo-vm", "sdb");

        // then node 3 sees it in use, and detaches it
        Caller third = caller(nodes.get(2).endpoint());
        assertEquals("in-use", third.volume(attached).getStatus());
        third.detachVolume(attached, Optional.of("demo-vm"), Optional.empty(), false);
        assertEquals("available", first.volume(attached).getStatus());
        first.deleteVolumes(attached);
    }

    @Test
    @Order(3)
    public void callsThroughTheBalancerGoOnWhenANodeIsKilledAndTheNodeComesBackWithUp() throws Exception {
        Node victim = status().get(1);
        Caller throughBalancer = caller(balancer);
        assertEquals("available", throughBalancer.volume(volume).getStatus());
        // and a volume that node 2's store holds, to be deleted while node 2 is dead
        String doomed = throughBalancer.createVolume("1", Optional.empty()).getVolumeId();
        throughBalancer.awaitVolume(doomed, "available");

        // when node 2's JVM is killed (SIGKILL: no goodbye to the cluster or the balancer)
        long killedAt = System.nanoTime();
        ProcessHandle.of(Long.parseLong(victim.jvmPid())).orElseThrow().destroyForcibly();

        // then every call through the balancer succeeds, each retried at most once
        long firstSuccess = -1;
        long[] latencies = new long[CALLS_AFTER_KILL];
        int retried = 0;
        for (int call = 0; call < CALLS_AFTER_KILL; call++) {
            long start = System.nanoTime();
            Attempt<String> described = withOneRetry(() -> throughBalancer.volume(volume).getStatus());
            long end = System.nanoTime();
            assertEquals("available", described.value());
            retried += described.retried() ? 1 : 0;
            latencies[call] = end - start;
            if (firstSuccess < 0) {
                firstSuccess = end - killedAt;
            }
        }
        Arrays.sort(latencies);
        // and a volume is made and deleted through it (its client token makes the retry safe)
        long createStart = System.nanoTime();
        Attempt<String> created = withOneRetry(() -> throughBalancer.createVolume("1",
                Optional.of("balanced-" + killedAt)).getVolumeId());
        throughBalancer.awaitVolume(created.value(), "available");
        long createTook = System.nanoTime() - createStart;
        throughBalancer.deleteVolumes(created.value(), doomed);
        System.out.printf("BalancedClusterIT failover: first successful call %d ms after the kill; %d calls, %d"
                + " retried once, latency p50 %d ms, p99 %d ms; a CreateVolume until available %d ms (retried: %s)%n",
                firstSuccess / 1_000_000, CALLS_AFTER_KILL, retried, latencies[CALLS_AFTER_KILL / 2] / 1_000_000,
                latencies[CALLS_AFTER_KILL - 1] / 1_000_000, createTook / 1_000_000, created.retried());

        // when up runs again, it starts the missing node, its store emptied first (the others serve)
        long upStart = System.nanoTime();
        Processes.Result up = cluster("up", UP_PATIENCE);
        assertEquals(0, up.exitCode(), up.describe());
        assertTrue(up.stdout().contains(victim.name() + ": rejoins while node1 node3 serve, so its metadata store"),
                up.describe());
        System.out.printf("BalancedClusterIT: up again made %s ready in %d s%n", victim.name(),
                (System.nanoTime() - upStart) / 1_000_000_000);

        // then it is ready, the balancer has it, and it sees the volume
        Node back = status().get(1);
        assertEquals(200, back.readiness(), back.toString());
        assertEquals("UP", back.balancerState(), back.toString());
        assertTrue(!back.jvmPid().equals(victim.jvmPid()), back.toString());
        assertEquals("available", caller(back.endpoint()).volume(volume).getStatus());
        // and not the volume deleted while it was dead, which its old store still held
        assertFalse(caller(back.endpoint()).volumeIds().contains(doomed), "deleted while node 2 was dead");
        throughBalancer.deleteVolumes(volume);
    }

    @Test
    @Order(4)
    public void thirtyTwoClientsWorkThroughTheBalancerWhileANodeIsKilledAndRestarted() throws Exception {
        // given 32 clients, each a user of its own, 4 of them attaching to the lab's VM, each making its
        // calls through the balancer
        List<Optional<String>> devices = new ArrayList<>();
        for (int client = 0; client < MIXED_CLIENTS; client++) {
            devices.add(client < ATTACHING_CLIENTS ? Optional.of("sd" + (char) ('c' + client)) : Optional.empty());
        }
        int callsPerClient = Integer.getInteger("vbs.it.mixed.calls", MIXED_CALLS_PER_CLIENT);
        Callers users = Callers.of(balancer, home.resolve("node1"));
        // the clients go on until the killed node is back and has had its share of calls, however few
        // calls each was asked for
        AtomicBoolean backUnderLoad = new AtomicBoolean();
        MixedWorkload workload = new MixedWorkload(() -> users.newUser("mixed"), "local", "demo-vm", devices,
                callsPerClient, backUnderLoad::get);
        long total = (long) MIXED_CLIENTS * callsPerClient;
        ExecutorService running = Executors.newSingleThreadExecutor();
        try {
            long start = System.nanoTime();
            Future<MixedWorkload.Result> result = running.submit(workload::run);

            // when a quarter of the calls are made, the JVM of the cluster's coordinator is killed (the
            // hardest node to lose: the next one resolves conflicts before the cluster is stable again); at
            // half, up starts it again
            awaitCalls(workload, total / 4, result);
            double healthy = workload.callsSoFar() * 1e9 / (System.nanoTime() - start);
            String coordinator = coordinator();
            Node victim = status().stream().filter(node -> node.name().equals(coordinator)).findFirst().orElseThrow();
            ProcessHandle.of(Long.parseLong(victim.jvmPid())).orElseThrow().destroyForcibly();
            awaitCalls(workload, total / 2, result);
            long upStart = System.nanoTime();
            Processes.Result up = cluster("up", UP_PATIENCE);
            assertEquals(0, up.exitCode(), up.describe());
            long upTook = System.nanoTime() - upStart;
            long callsAtUp = workload.callsSoFar();
            awaitCalls(workload, callsAtUp + (long) MIXED_CLIENTS * CALLS_A_CLIENT_AFTER_UP, result);
            backUnderLoad.set(true);
            MixedWorkload.Result done = result.get(30, TimeUnit.MINUTES);
            System.out.printf("BalancedClusterIT mixed workload: %d clients (%d attaching), %d calls in %d s, %.1f"
                    + " calls/s (%.1f calls/s on 3 healthy nodes, before the kill); %d retried once, %d failed;"
                    + " %s (the coordinator) back with up in %d s, after %d calls; %d calls after that%n",
                    done.clients().size(), ATTACHING_CLIENTS, done.calls(), done.took().toSeconds(),
                    done.callsPerSecond(), healthy, done.retried(), done.failures().size(), victim.name(),
                    upTook / 1_000_000_000, callsAtUp, done.calls() - callsAtUp);

            // then no call failed beyond its one retry, no token made two volumes
            assertEquals(List.of(), done.failures(),
                    done.failures().isEmpty() ? "" : loggedFor(done.failures()) + "; " + threadDumps());
            assertEquals(Map.of(), done.tokensWithSeveralVolumes());
            // and every volume the run made is gone (each was deleted), and no other appeared: a second
            // volume made for one token, or a lost delete, would still be there
            for (Caller client : done.clients()) {
                Await.until(client.dn() + "'s volumes to be gone", Duration.ofMinutes(2), () -> {
                    Set<String> left = client.volumeIds();
                    return left.isEmpty() ? Optional.of(left) : Optional.empty();
                }, () -> {
                    try {
                        return "volumes left: " + client.volumeIds();
                    } catch (Exception e) {
                        return e.toString();
                    }
                });
            }
            assertTrue(done.volumes().size() >= MIXED_CLIENTS, done.volumes().size() + " volumes made");
            // and the restarted node is ready again behind the balancer
            Node back = status().stream().filter(node -> node.name().equals(victim.name())).findFirst().orElseThrow();
            assertEquals(200, back.readiness(), back.toString());
            assertEquals("UP", back.balancerState(), back.toString());
        } finally {
            backUnderLoad.set(true);
            running.shutdownNow();
        }
    }

    /**
     * What the nodes logged under the request ids the failed calls' faults name: an InternalError tells its
     * caller only the request id, and the cause is in the log of the node that answered, which a CI run
     * does not keep.
     */
    private String loggedFor(List<String> failures) {
        Set<String> requests = new LinkedHashSet<>();
        for (String failure : failures) {
            Matcher request = REQUEST.matcher(failure);
            while (request.find()) {
                requests.add(request.group(1));
            }
        }
        List<String> logged = new ArrayList<>();
        for (int node = 1; node <= NODES && !requests.isEmpty(); node++) {
            Path log = home.resolve("node" + node).resolve("server").resolve("log").resolve("server.log");
            try {
                for (String line : Files.readAllLines(log, StandardCharsets.ISO_8859_1)) {
                    if (requests.stream().anyMatch(line::contains)) {
                        String plain = line.replaceAll("\u001b\\[[0-9;]*m", "");
                        logged.add("node" + node + ": " + plain.substring(0, Math.min(plain.length(), 1500)));
                    }
                }
            } catch (IOException e) {
                logged.add("node" + node + ": " + log + " not read: " + e);
            }
        }
        return "what the nodes logged for the failed requests " + requests + ": " + logged;
    }

    /**
     * Each running node's threads, written next to its log, for a run with failed calls: a node that stops
     * answering while its view stays whole (seen with 1000 calls a client) shows only there what its request
     * threads wait for.
     *
     * @return where the dumps are, or why one is missing
     */
    private String threadDumps() {
        Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
        List<String> written = new ArrayList<>();
        try {
            for (Node node : status()) {
                Path dump = home.resolve(node.name() + "-threads.txt");
                Processes.Result threads = Processes.run(List.of(jcmd.toString(), node.jvmPid(), "Thread.print", "-l"),
                        Map.of(), Duration.ofMinutes(1));
                Files.writeString(dump, threads.stdout() + threads.stderr());
                written.add(node.name() + ": " + dump + (threads.exitCode() == 0 ? "" : " (" + threads.describe() + ")"));
            }
        } catch (Exception e) {
            written.add("no further thread dump: " + e);
        }
        return "thread dumps of the nodes at the end of the run: " + written;
    }

    /**
     * The JGroups coordinator: the first member of the latest view a join installed (the highest view id
     * in WildFly's WFLYCLJG0033 lines, in the nodes' logs); since then no member has left.
     */
    private String coordinator() throws IOException {
        long latest = -1;
        String first = null;
        for (int node = 1; node <= NODES; node++) {
            for (String line : Files.readAllLines(home.resolve("run").resolve("node" + node + ".log"))) {
                Matcher view = VIEW.matcher(line);
                if (line.contains("WFLYCLJG0033") && view.find() && Long.parseLong(view.group(1)) > latest) {
                    latest = Long.parseLong(view.group(1));
                    first = view.group(2);
                }
            }
        }
        assertTrue(first != null, "no view in the nodes' logs");
        return first;
    }

    /** Waits until the workload has made this many calls (or has ended). */
    private static void awaitCalls(MixedWorkload workload, long calls, Future<?> run) throws Exception {
        Await.until(calls + " calls of the workload", Duration.ofMinutes(20),
                () -> workload.callsSoFar() >= calls || run.isDone() ? Optional.of(true) : Optional.empty(),
                () -> workload.callsSoFar() + " calls");
    }

    @Test
    @Order(5)
    public void downLeavesNoNamespaceLinkOrProcessOfTheCluster() throws Exception {
        // when the cluster is taken down
        down();

        // then no namespace or link of it is left, and status says so
        Processes.Result namespaces = Processes.run(List.of("ip", "netns", "list"), Map.of(), Duration.ofSeconds(30));
        assertTrue(namespaces.stdout().lines().noneMatch(line -> line.startsWith(cluster + "-")), namespaces.stdout());
        Processes.Result links = Processes.run(List.of("ip", "-o", "link", "show"), Map.of(), Duration.ofSeconds(30));
        assertTrue(links.stdout().lines().noneMatch(line -> line.contains(": " + cluster + "-")), links.stdout());
        assertEquals(1, cluster("status", Duration.ofMinutes(1)).exitCode());

        // and no java, haproxy, tgtd or qemu of it runs (the marks are what their command lines hold)
        List<String> marks = List.of("-Dvbs.home=" + home.toRealPath(), home.toRealPath() + "/run/",
                "portal=127.0.0.1:" + (3260 + portOffset), "-Dvbs.jgroups.initial-hosts=" + subnetPrefix);
        Await.until("no process of the cluster", Duration.ofSeconds(30), () -> {
            List<String> left = leftOver(marks);
            return left.isEmpty() ? Optional.of(left) : Optional.empty();
        }, () -> leftOver(marks).toString());
    }

    private static List<String> leftOver(List<String> marks) {
        List<String> left = new ArrayList<>();
        ProcessHandle.allProcesses().forEach(process -> process.info().commandLine()
                .filter(line -> marks.stream().anyMatch(line::contains))
                .ifPresent(line -> left.add(process.pid() + " " + line)));
        return left;
    }

    /** A call's answer, and whether it took a second try. */
    private record Attempt<T>(T value, boolean retried) {
    }

    /**
     * What a client of a balanced service does: a call that gets no answer (the connection failed or
     * the balancer answered with an HTTP error) is tried once more; a fault of the service is an answer.
     */
    private static <T> Attempt<T> withOneRetry(Callable<T> call) throws Exception {
        try {
            return new Attempt<>(call.call(), false);
        } catch (WebServiceException noAnswer) {
            System.out.println("BalancedClusterIT: retrying once after " + noAnswer);
            return new Attempt<>(call.call(), true);
        }
    }

    private Caller caller(URI endpoint) {
        return Callers.of(endpoint, home.resolve("node1")).devUser();
    }

    private List<Node> status() throws Exception {
        Processes.Result status = cluster("status", Duration.ofMinutes(1));
        List<Node> nodes = new ArrayList<>();
        Matcher line = NODE_LINE.matcher(status.stdout());
        while (line.find()) {
            nodes.add(new Node(line.group(1), line.group(2), line.group(3), line.group(5), line.group(6),
                    Integer.parseInt(line.group(7))));
        }
        return nodes;
    }

    private Processes.Result cluster(String command, Duration patience) throws Exception {
        return Processes.run(List.of(script.toString(), command), Map.of("VBS_CLUSTER", cluster,
                "VBS_CLUSTER_HOME", home.toString(), "VBS_CLUSTER_NODES", Integer.toString(NODES),
                "VBS_CLUSTER_SUBNET", subnetPrefix + "0/24", "VBS_PORT_OFFSET", Integer.toString(portOffset),
                "VBS_NO_BUILD", "1"), patience);
    }
}
