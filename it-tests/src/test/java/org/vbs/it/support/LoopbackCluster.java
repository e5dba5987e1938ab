package org.vbs.it.support;

import jakarta.xml.ws.soap.SOAPFaultException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;
import org.vbs.it.client.VbsFault;

/**
 * Several VBS nodes on this machine as one cluster, started as the README tells an operator to: each
 * the run script on a VBS_HOME and a port offset of its own ({@value #NODE_OFFSET_STEP} apart), the
 * other homes given the first one's trust and keys, one cluster name, one JGroups host list naming
 * all. A node can be frozen (SIGSTOP: it neither answers nor closes a connection, as a hung machine or
 * a cut cable) and resumed. {@link #close} resumes every frozen node and stops every node by its PID.
 */
public final class LoopbackCluster implements AutoCloseable {
    /**
     * From one node's ports to the next's. No two ports of a node (JGroups 7600 and 57600, HTTP 8080,
     * HTTPS 8443, management 9990 and 9993, transactions 4712 and 4713) are this far apart, and the
     * other test servers' offsets are whole hundreds: no port is taken twice.
     */
    public static final int NODE_OFFSET_STEP = 50;
    /** Nodes boot at once on shared cores: a bound, not a speed check. */
    private static final Duration BOOT_PATIENCE = Duration.ofMinutes(15);
    /**
     * How long a split or a merge may take: failure detection (10-network.cli) plus view installation
     * and MERGE3's rounds, on loaded cores. A bound only.
     */
    public static final Duration CLUSTER_PATIENCE = Duration.ofMinutes(3);

    private final List<ServerProcess> nodes;
    private final List<String> names;
    private final Set<ServerProcess> frozen = new LinkedHashSet<>();

    private LoopbackCluster(List<ServerProcess> nodes, List<String> names) {
        this.nodes = List.copyOf(nodes);
        this.names = List.copyOf(names);
    }

    /**
     * Nodes (not started) named {@code names}, under {@code work/<name>}, without the lab, each given
     * {@code arguments} besides the cluster's own.
     */
    public static LoopbackCluster of(String cluster, Path work, List<String> names, String... arguments)
            throws Exception {
        VbsHomes.deleteTree(work);
        int base = ItConfig.systemPortOffset();
        StringBuilder hosts = new StringBuilder();
        for (int i = 0; i < names.size(); i++) {
            hosts.append(i == 0 ? "" : ",").append("127.0.0.1[").append(7600 + base + i * NODE_OFFSET_STEP)
                    .append(']');
        }
        List<String> all = new ArrayList<>(List.of("-Dvbs.cluster.name=" + cluster,
                "-Dvbs.jgroups.initial-hosts=" + hosts));
        all.addAll(List.of(arguments));
        List<ServerProcess> nodes = new ArrayList<>();
        for (int i = 0; i < names.size(); i++) {
            Path nodeWork = Files.createDirectories(work.resolve(names.get(i)));
            nodes.add(ServerProcess.withoutLab(nodeWork.resolve("vbs-home"), base + i * NODE_OFFSET_STEP, nodeWork)
                    .withArguments(all.toArray(String[]::new)).withNodeName(names.get(i)));
        }
        return new LoopbackCluster(nodes, names);
    }

    /** The same cluster with node {@code index}'s JVM given these options (e.g. a Java agent). */
    public LoopbackCluster withJvmOptions(int index, List<String> options) {
        List<ServerProcess> changed = new ArrayList<>(nodes);
        changed.set(index, nodes.get(index).withJvmOptions(options));
        return new LoopbackCluster(changed, names);
    }

    /**
     * Starts the nodes (see {@link #start(Map)}), with {@code sharedPool}: one volume pool (the first
     * home's) registered as every node's {@code local} host, so any node can act on any volume.
     */
    public void start(boolean sharedPool) throws Exception {
        start(sharedPool ? Map.of("local", String.join("\n", "transport=local", "address=127.0.0.1",
                "volume.driver=file", "volume.pool=" + VbsHomes.pool(nodes.get(0).vbsHome()), "")) : Map.of());
    }

    /**
     * Makes the first home (PKI, plugins), gives the others its trust, gives every node the operator's
     * hosts files {@code name -> content}; then starts every node at once and waits until all are one
     * view and ready.
     */
    public void start(Map<String, String> hostFiles) throws Exception {
        Path first = nodes.get(0).vbsHome();
        VbsHomes.make(first, List.of());
        for (ServerProcess other : nodes.subList(1, nodes.size())) {
            VbsHomes.shareTrust(first, Files.createDirectories(other.vbsHome()));
        }
        for (ServerProcess node : nodes) {
            VbsHomes.writeHostFiles(node.vbsHome(), hostFiles);
        }
        for (ServerProcess node : nodes) {
            node.launch();
        }
        for (ServerProcess node : nodes) {
            node.awaitAnswering(BOOT_PATIENCE);
        }
        awaitWhole();
    }

    /**
     * Stops every node (SIGTERM, the last started first), then starts them all again on their homes and
     * waits until all are one view and ready: a full stop and start of the cluster.
     */
    public void restartAll() throws Exception {
        for (int i = nodes.size() - 1; i >= 0; i--) {
            nodes.get(i).stop();
        }
        for (ServerProcess node : nodes) {
            node.launch();
        }
        for (ServerProcess node : nodes) {
            node.awaitAnswering(BOOT_PATIENCE);
        }
        awaitWhole();
    }

    public ServerProcess node(int index) {
        return nodes.get(index);
    }

    public List<ServerProcess> nodes() {
        return nodes;
    }

    /** The development user (an administrator) calling through the node. */
    public Caller caller(int index) throws Exception {
        ServerProcess node = nodes.get(index);
        return Callers.of(node.endpoint(), node.vbsHome()).devUser();
    }

    /** Stops the node's JVM where it is (SIGSTOP). */
    public void freeze(int index) throws Exception {
        ServerProcess node = nodes.get(index);
        frozen.add(node);
        signal("-STOP", node);
    }

    public void resume(int index) throws Exception {
        ServerProcess node = nodes.get(index);
        signal("-CONT", node);
        frozen.remove(node);
    }

    private static void signal(String signal, ServerProcess node) throws Exception {
        Processes.Result sent = Processes.run(List.of("kill", signal, Long.toString(node.pid())), Map.of(),
                Duration.ofSeconds(30));
        if (sent.exitCode() != 0) {
            throw new AssertionError("could not send " + signal + ": " + sent.describe());
        }
    }

    /**
     * Waits until every node's view holds all nodes and every node is ready with nothing left to settle:
     * until a merge's conflict resolution and the rebalance after it have ended, the caches still count
     * the members of the view before it, so freezing a node then could leave the other two without a
     * majority.
     */
    public void awaitWhole() throws Exception {
        int[] all = new int[nodes.size()];
        for (int i = 0; i < all.length; i++) {
            all[i] = i;
        }
        for (int i = 0; i < nodes.size(); i++) {
            awaitView(i, all);
        }
        for (int i = 0; i < nodes.size(); i++) {
            awaitReadiness(i, "ready\n"::equals);
        }
    }

    /** Waits until the node's readiness URL answers 200. */
    public void awaitReady(int index) throws Exception {
        awaitReadiness(index, body -> true);
    }

    private void awaitReadiness(int index, Predicate<String> body) throws Exception {
        ServerProcess node = nodes.get(index);
        AtomicReference<String> lastAnswer = new AtomicReference<>("nothing read yet");
        Await.until(node.endpoint() + " to be ready", CLUSTER_PATIENCE, () -> {
            HttpResponse<String> ready = node.readiness();
            lastAnswer.set(ready.statusCode() + " " + ready.body());
            return Optional.of(ready).filter(answer -> answer.statusCode() == 200 && body.test(answer.body()));
        }, lastAnswer::get);
    }

    /** Waits until the JGroups view of node {@code index} is exactly the nodes {@code members}. */
    public void awaitView(int index, int... members) throws Exception {
        ServerProcess node = nodes.get(index);
        AtomicReference<String> view = new AtomicReference<>("nothing read yet");
        Await.until("a view of exactly " + members.length + " on " + node.endpoint(), CLUSTER_PATIENCE, () -> {
            view.set(node.clusterView());
            boolean all = view.get().contains("(" + members.length + ") [");
            for (int member : members) {
                all &= view.get().contains(names.get(member));
            }
            return all ? Optional.of(view.get()) : Optional.empty();
        }, view::get);
    }

    /**
     * The call's answer once the cluster has settled after a view change. Until then a node may answer
     * ServiceUnavailable: its signed message could not be recorded in the replay cache while a member
     * that stopped answering was not yet suspected, or the node was briefly on a minority side while the
     * view changed. Those are retried (with the same arguments: a create must carry a client token), as
     * are faults of the SOAP stack; any other fault fails the test.
     */
    public static <T> T settled(String what, Callable<T> call) throws Exception {
        AtomicReference<String> refusal = new AtomicReference<>("not called yet");
        return Await.until(what + " to be served", CLUSTER_PATIENCE, () -> served(refusal, call), refusal::get);
    }

    /**
     * The call's answer, or empty (the refusal put into {@code refusal}) while the cluster is settling:
     * a ServiceUnavailable, or a fault of the SOAP stack. Any other fault is thrown.
     */
    public static <T> Optional<T> served(AtomicReference<String> refusal, Callable<T> call) throws Exception {
        try {
            return Optional.of(call.call());
        } catch (SOAPFaultException stack) {
            refusal.set(stack.getMessage());
            return Optional.empty();
        } catch (VbsFault fault) {
            if (!"ServiceUnavailable".equals(Faults.code(fault))) {
                throw fault;
            }
            refusal.set("ServiceUnavailable: " + Faults.message(fault));
            return Optional.empty();
        }
    }

    @Override
    public void close() throws Exception {
        List<AutoCloseable> steps = new ArrayList<>();
        for (ServerProcess node : List.copyOf(frozen)) {
            steps.add(() -> resume(nodes.indexOf(node)));
        }
        for (int i = nodes.size() - 1; i >= 0; i--) {
            steps.add(nodes.get(i)::stop);
        }
        Resources.closeAll(steps);
    }
}
