package org.vbs.it.system;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.xml.ws.soap.SOAPFaultException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.vbs.it.client.VbsFault;
import org.vbs.it.support.Await;
import org.vbs.it.support.Caller;
import org.vbs.it.support.Callers;
import org.vbs.it.support.Faults;
import org.vbs.it.support.ItConfig;
import org.vbs.it.support.Pool;
import org.vbs.it.support.PoolState;
import org.vbs.it.support.Processes;
import org.vbs.it.support.Resources;
import org.vbs.it.support.ServerProcess;
import org.vbs.it.support.VbsHomes;

/**
 * Three VBS nodes on one machine as one cluster (as {@link ClusterPairIT} starts two), split by
 * freezing nodes with SIGSTOP: a frozen node neither answers nor closes its sockets, so the others
 * see it only as silent, as after a cut cable or a hung machine. Two nodes of three keep serving;
 * a lone node is a minority and refuses every call with ServiceUnavailable, changes nothing, and
 * serves again once the cluster has merged. Every frozen node is resumed (SIGCONT) whatever
 * happens, and all are stopped by their PIDs at the end.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
public class PartitionIT {
    /** The nodes' port offsets above the system tests' offset: 50 apart, as in ClusterPairIT. */
    private static final int[] NODE_OFFSETS = {0, 50, 100};
    private static final String[] NAMES = {"part-a", "part-b", "part-c"};
    /** Three nodes boot at once on shared cores: a bound, not a speed check. */
    private static final Duration BOOT_PATIENCE = Duration.ofMinutes(15);
    /**
     * How long a split or a merge may take: failure detection (10-network.cli: suspected after 10 s
     * of silence) plus view installation and MERGE3's rounds, on loaded cores. A bound only.
     */
    private static final Duration CLUSTER_PATIENCE = Duration.ofMinutes(3);

    private final List<ServerProcess> nodes = new ArrayList<>();
    private final List<ServerProcess> frozen = new ArrayList<>();

    @BeforeAll
    public void startThreeNodesAsOneCluster() throws Exception {
        Path work = ItConfig.workDir().resolve("partition");
        VbsHomes.deleteTree(work);
        int base = ItConfig.systemPortOffset();
        StringBuilder hosts = new StringBuilder();
        for (int offset : NODE_OFFSETS) {
            hosts.append(hosts.length() == 0 ? "" : ",").append("127.0.0.1[").append(7600 + base + offset).append(']');
        }
        String[] cluster = {"-Dvbs.cluster.name=vbs-it-partition", "-Dvbs.jgroups.initial-hosts=" + hosts};
        for (int i = 0; i < NAMES.length; i++) {
            Path nodeWork = Files.createDirectories(work.resolve(NAMES[i]));
            nodes.add(ServerProcess.withoutLab(nodeWork.resolve("vbs-home"), base + NODE_OFFSETS[i], nodeWork)
                    .withArguments(cluster).withNodeName(NAMES[i]));
        }
        VbsHomes.make(a().vbsHome(), List.of());
        for (ServerProcess other : List.of(b(), c())) {
            VbsHomes.shareTrust(a().vbsHome(), Files.createDirectories(other.vbsHome()));
        }
        for (ServerProcess node : nodes) {
            node.launch();
        }
        for (ServerProcess node : nodes) {
            node.awaitAnswering(BOOT_PATIENCE);
        }
        awaitWholeCluster();
    }

    @AfterAll
    public void resumeAndStopEveryNode() throws Exception {
        List<AutoCloseable> steps = new ArrayList<>();
        for (ServerProcess node : List.copyOf(frozen)) {
            steps.add(() -> resume(node));
        }
        for (int i = nodes.size() - 1; i >= 0; i--) {
            steps.add(nodes.get(i)::stop);
        }
        Resources.closeAll(steps);
    }

    @Test
    @Order(1)
    public void withOneNodeFrozenTheOtherTwoAreAMajorityAndKeepServingWrites() throws Exception {
        Caller throughA = caller(a());
        Caller throughB = caller(b());

        long frozenAt = System.nanoTime();
        freeze(c());
        try {
            // when C has left the view of A and B
            awaitView(a(), a(), b());
            awaitView(b(), a(), b());
            System.out.printf("PartitionIT: A and B had the frozen C out of their view after %d s%n",
                    secondsSince(frozenAt));

            // then both are ready and serve writes: a volume made through A is seen and deleted through B
            assertReady(a());
            assertReady(b());
            long splitAt = System.nanoTime();
            String volume = createOnceSettled(throughA);
            System.out.printf("PartitionIT: A served a write %d s after C had left the view%n", secondsSince(splitAt));
            throughA.awaitVolume(volume, "available");
            assertEquals("available", throughB.volume(volume).getStatus());
            throughB.deleteVolume(volume);
            throughA.awaitVolumeGone(volume);
        } finally {
            resume(c());
        }
        long resumedAt = System.nanoTime();

        // and once C is back, it has merged and describes what the others do
        awaitWholeCluster();
        System.out.printf("PartitionIT: C had merged back and was ready %d s after it was resumed%n",
                secondsSince(resumedAt));
        assertSameVolumesOnEveryNode();
    }

    @Test
    @Order(2)
    public void aLoneNodeIsAMinorityThatRefusesEveryCallAndChangesNothingUntilItHasMerged() throws Exception {
        Caller throughA = caller(a());
        Caller throughC = caller(c());
        Set<String> volumesBefore = throughA.volumeIds();
        List<PoolState> poolsBefore = poolStates();
        long auditLinesOfC = Files.readAllLines(c().auditLog()).size();

        long frozenAt = System.nanoTime();
        freeze(a());
        freeze(b());
        try {
            // when C has lost the other two, its caches are degraded: the readiness URL says so
            AtomicReference<String> lastAnswer = new AtomicReference<>("nothing read yet");
            Await.until("C to be not ready", CLUSTER_PATIENCE, () -> {
                HttpResponse<String> ready = c().readiness();
                lastAnswer.set(ready.statusCode() + " " + ready.body());
                return Optional.of(ready).filter(answer -> answer.statusCode() == 503);
            }, lastAnswer::get);
            System.out.printf("PartitionIT: the lone C refused calls (not ready) %d s after A and B were frozen%n",
                    secondsSince(frozenAt));
            assertTrue(lastAnswer.get().contains("DEGRADED_MODE"), lastAnswer.get());

            // then a CreateVolume through C is refused with ServiceUnavailable, saying why and what to do
            VbsFault refused = assertThrows(VbsFault.class, () -> throughC.createVolume(1));
            assertEquals("ServiceUnavailable", Faults.code(refused), Faults.message(refused));
            assertTrue(Faults.message(refused).contains("cannot reach a majority of the cluster"),
                    Faults.message(refused));
            // and so is a Describe: a minority's answer could be stale
            VbsFault describe = assertThrows(VbsFault.class, throughC::volumeIds);
            assertEquals("ServiceUnavailable", Faults.code(describe), Faults.message(describe));
            // and C made no volume file
            assertEquals(poolsBefore.get(2), Pool.of(c().vbsHome()).state());
        } finally {
            resume(a());
            resume(b());
        }
        long resumedAt = System.nanoTime();

        // when the three have merged, C is ready again
        awaitWholeCluster();
        System.out.printf("PartitionIT: the three had merged and C was ready %d s after A and B were resumed%n",
                secondsSince(resumedAt));

        // then nothing was changed by the refused calls: every node describes the volumes as before, no
        // pool has a file more, and C's audit log has both refusals
        assertEquals(volumesBefore, settled("a Describe through A", throughA::volumeIds));
        assertSameVolumesOnEveryNode();
        assertEquals(poolsBefore, poolStates());
        List<String> audit = Files.readAllLines(c().auditLog());
        List<String> refusals = audit.subList((int) auditLinesOfC, audit.size()).stream()
                .filter(line -> line.contains(" outcome=refused ")).toList();
        assertEquals(2, refusals.size(), String.join("\n", audit));

        // and C serves writes again, which every node sees
        String volume = createOnceSettled(throughC);
        throughC.awaitVolume(volume, "available");
        assertSameVolumesOnEveryNode();
        assertTrue(throughA.volumeIds().contains(volume));
        throughA.deleteVolume(volume);
        throughC.awaitVolumeGone(volume);
        assertSameVolumesOnEveryNode();
    }

    /**
     * Creates a volume through the node, retrying with one client token (so that a retry never makes a
     * second volume) while the cluster settles after a view change; see {@link #settled}.
     */
    private static String createOnceSettled(Caller caller) throws Exception {
        Optional<String> token = Optional.of("partition-it-" + UUID.randomUUID());
        return settled("a CreateVolume", () -> caller.createVolume("1", token).getVolumeId());
    }

    /**
     * The call's answer once the cluster has settled after a view change. Until then a call may wait
     * for the node that left and time out (its signed message could not be recorded in the replay cache
     * in time, and WS-Security refuses it): such refusals are retried, any other fault fails the test.
     */
    private static <T> T settled(String what, Callable<T> call) throws Exception {
        AtomicReference<String> refusal = new AtomicReference<>("not called yet");
        return Await.until(what + " to be served", CLUSTER_PATIENCE, () -> {
            try {
                return Optional.of(call.call());
            } catch (SOAPFaultException timedOut) {
                refusal.set(timedOut.getMessage());
                return Optional.empty();
            }
        }, refusal::get);
    }

    private ServerProcess a() {
        return nodes.get(0);
    }

    private ServerProcess b() {
        return nodes.get(1);
    }

    private ServerProcess c() {
        return nodes.get(2);
    }

    private static Caller caller(ServerProcess node) throws Exception {
        return Callers.of(node.endpoint(), node.vbsHome()).devUser();
    }

    /** Stops the node's JVM where it is (SIGSTOP): it neither answers nor closes a connection. */
    private void freeze(ServerProcess node) throws Exception {
        frozen.add(node);
        signal("-STOP", node);
    }

    private void resume(ServerProcess node) throws Exception {
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

    /** Waits until every node's view holds all three and every node is ready. */
    private void awaitWholeCluster() throws Exception {
        for (ServerProcess node : nodes) {
            awaitView(node, nodes.toArray(ServerProcess[]::new));
        }
        for (ServerProcess node : nodes) {
            AtomicReference<String> lastAnswer = new AtomicReference<>("nothing read yet");
            Await.until(node.endpoint() + " to be ready", CLUSTER_PATIENCE, () -> {
                HttpResponse<String> ready = node.readiness();
                lastAnswer.set(ready.statusCode() + " " + ready.body());
                return Optional.of(ready).filter(answer -> answer.statusCode() == 200);
            }, lastAnswer::get);
        }
    }

    /** Waits until the node's JGroups view is exactly these members. */
    private void awaitView(ServerProcess node, ServerProcess... members) throws Exception {
        AtomicReference<String> view = new AtomicReference<>("nothing read yet");
        Await.until("a view of exactly " + members.length + " on " + node.endpoint(), CLUSTER_PATIENCE, () -> {
            view.set(node.clusterView());
            boolean all = view.get().contains("(" + members.length + ") [");
            for (ServerProcess member : members) {
                all &= view.get().contains(NAMES[nodes.indexOf(member)]);
            }
            return all ? Optional.of(view.get()) : Optional.empty();
        }, view::get);
    }

    private static void assertReady(ServerProcess node) throws Exception {
        HttpResponse<String> ready = node.readiness();
        assertEquals(200, ready.statusCode(), ready.body());
    }

    private void assertSameVolumesOnEveryNode() throws Exception {
        Set<String> seenByA = settled("a Describe through A", caller(a())::volumeIds);
        for (ServerProcess node : List.of(b(), c())) {
            assertEquals(seenByA, settled("a Describe through " + node.endpoint(), caller(node)::volumeIds),
                    "volumes described through " + node.endpoint());
        }
    }

    private List<PoolState> poolStates() throws Exception {
        List<PoolState> states = new ArrayList<>();
        for (ServerProcess node : nodes) {
            states.add(Pool.of(node.vbsHome()).state());
        }
        return states;
    }

    private static long secondsSince(long nanos) {
        return Duration.ofNanos(System.nanoTime() - nanos).toSeconds();
    }
}
