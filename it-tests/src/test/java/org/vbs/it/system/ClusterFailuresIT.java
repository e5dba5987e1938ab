package org.vbs.it.system;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.vbs.it.support.LoopbackCluster.settled;

import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Pattern;
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
import org.vbs.it.support.ConsoleLog;
import org.vbs.it.support.Faults;
import org.vbs.it.support.ItConfig;
import org.vbs.it.support.LoopbackCluster;
import org.vbs.it.support.Pool;
import org.vbs.it.support.PoolState;
import org.vbs.it.support.StepFaults;
import org.vbs.it.support.StepFaults.Action;
import org.vbs.it.support.StepFaults.Point;

/**
 * Three VBS nodes on one machine as one cluster (A, B, C; see {@link LoopbackCluster}), sharing one
 * volume pool as every node's {@code local} host, with a short operation lease, and failures made by
 * freezing nodes with SIGSTOP: a frozen node neither answers nor closes its sockets, so the others see
 * it only as silent, as after a cut cable or a hung machine.
 *
 * <ul>
 *   <li>Partitions: two nodes of three keep serving; a lone node is a minority and refuses every call
 *       with ServiceUnavailable, changes nothing, and serves again once the cluster has merged.</li>
 *   <li>Takeover: A frozen in the middle of an operation, past its lease: a survivor takes the operation
 *       over from the journal and finishes it, without any restart; when A is resumed, its thread goes on
 *       from where it froze, finds the operation no longer its own (fencing by the record's epoch, and the
 *       minority side refusing writes until A has merged) and does nothing to it.</li>
 * </ul>
 *
 * Every frozen node is resumed whatever happens, and all are stopped by their PIDs at the end.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
public class ClusterFailuresIT {
    private static final int A = 0;
    private static final int B = 1;
    private static final int C = 2;
    /** Short, so the test waits little: a survivor takes over about a lease after the holder went silent. */
    private static final String LEASE = "PT6S";
    private static final Point BEFORE_COPY = Point.before("CREATE_VOLUME_FROM_SNAPSHOT", "copy");
    private static final byte[] DATA = "written before the snapshot, copied by whoever finishes"
            .getBytes(StandardCharsets.US_ASCII);

    private LoopbackCluster cluster;
    private StepFaults faultsOfA;
    private Pool pool;

    @BeforeAll
    public void startThreeNodesOnOnePool() throws Exception {
        Path work = ItConfig.workDir().resolve("cluster-failures");
        LoopbackCluster nodes = LoopbackCluster.of("vbs-it-failures", work, List.of("fail-a", "fail-b", "fail-c"),
                "-Dvbs.operation.lease=" + LEASE);
        faultsOfA = StepFaults.in(Files.createDirectories(work.resolve("faults-of-a")));
        cluster = nodes.withJvmOptions(A, faultsOfA.jvmOptions());
        cluster.start(true);
        pool = Pool.of(cluster.node(A).vbsHome());
    }

    @AfterAll
    public void resumeAndStopEveryNode() throws Exception {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    @Order(1)
    public void withOneNodeFrozenTheOtherTwoAreAMajorityAndKeepServingWrites() throws Exception {
        Caller throughA = cluster.caller(A);
        Caller throughB = cluster.caller(B);

        long frozenAt = System.nanoTime();
        cluster.freeze(C);
        try {
            // when C has left the view of A and B
            cluster.awaitView(A, A, B);
            cluster.awaitView(B, A, B);
            System.out.printf("ClusterFailuresIT: A and B had the frozen C out of their view after %d s%n",
                    secondsSince(frozenAt));

            // then both are ready and serve writes: a volume made through A is seen and deleted through B
            assertReady(A);
            assertReady(B);
            long splitAt = System.nanoTime();
            String volume = createOnceSettled(throughA);
            System.out.printf("ClusterFailuresIT: A served a write %d s after C had left the view%n",
                    secondsSince(splitAt));
            throughA.awaitVolume(volume, "available");
            assertEquals("available", throughB.volume(volume).getStatus());
            throughB.deleteVolume(volume);
            throughA.awaitVolumeGone(volume);
        } finally {
            cluster.resume(C);
        }
        long resumedAt = System.nanoTime();

        // and once C is back, it has merged and describes what the others do
        cluster.awaitWhole();
        System.out.printf("ClusterFailuresIT: C had merged back and was ready %d s after it was resumed%n",
                secondsSince(resumedAt));
        assertSameVolumesOnEveryNode();
    }

    @Test
    @Order(2)
    public void aLoneNodeIsAMinorityThatRefusesEveryCallAndChangesNothingUntilItHasMerged() throws Exception {
        Caller throughA = cluster.caller(A);
        Caller throughC = cluster.caller(C);
        Set<String> volumesBefore = settled("a Describe through A", throughA::volumeIds);
        PoolState poolBefore = pool.state();
        long auditLinesOfC = Files.readAllLines(cluster.node(C).auditLog()).size();
        long logOfC = Files.size(cluster.node(C).consoleLog());

        long frozenAt = System.nanoTime();
        cluster.freeze(A);
        cluster.freeze(B);
        try {
            // when C has lost the other two, its caches are degraded: the readiness URL says so
            AtomicReference<String> lastAnswer = new AtomicReference<>("nothing read yet");
            Await.until("C to be not ready", LoopbackCluster.CLUSTER_PATIENCE, () -> {
                HttpResponse<String> ready = cluster.node(C).readiness();
                lastAnswer.set(ready.statusCode() + " " + ready.body());
                return Optional.of(ready).filter(answer -> answer.statusCode() == 503);
            }, lastAnswer::get);
            System.out.printf("ClusterFailuresIT: the lone C refused calls (not ready) %d s after A and B were"
                    + " frozen%n", secondsSince(frozenAt));
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
            assertEquals(poolBefore, pool.state());
        } finally {
            cluster.resume(A);
            cluster.resume(B);
        }
        long resumedAt = System.nanoTime();

        // when the three have merged, C is ready again
        cluster.awaitWhole();
        System.out.printf("ClusterFailuresIT: the three had merged and C was ready %d s after A and B were"
                + " resumed%n", secondsSince(resumedAt));

        // then nothing was changed by the refused calls: every node describes the volumes as before, the
        // pool has no file more, and C's audit log has both refusals
        assertEquals(volumesBefore, settled("a Describe through A", throughA::volumeIds));
        assertSameVolumesOnEveryNode();
        assertEquals(poolBefore, pool.state());
        List<String> audit = Files.readAllLines(cluster.node(C).auditLog());
        List<String> refusals = audit.subList((int) auditLinesOfC, audit.size()).stream()
                .filter(line -> line.contains(" outcome=refused ")).toList();
        assertEquals(2, refusals.size(), String.join("\n", audit));
        // and while alone, C did not try to read the journal for operations to take over (the majority does
        // that): Infinispan would have logged every refused read as an ERROR with its stack
        assertTrue(linesSince(cluster.node(C).consoleLog(), logOfC).stream()
                .noneMatch(line -> line.contains("on Cache 'operations'")), "C read the journal while alone");

        // and C serves writes again, which every node sees
        String volume = createOnceSettled(throughC);
        throughC.awaitVolume(volume, "available");
        assertSameVolumesOnEveryNode();
        assertTrue(throughA.volumeIds().contains(volume));
        throughA.deleteVolume(volume);
        throughC.awaitVolumeGone(volume);
        assertSameVolumesOnEveryNode();
    }

    @Test
    @Order(3)
    public void anOperationOfAFrozenNodeIsFinishedByASurvivorAndTheNodeDoesNothingToItWhenItWakes()
            throws Exception {
        Caller throughA = cluster.caller(A);
        Caller throughB = cluster.caller(B);
        // given a completed snapshot of a volume holding some data
        String source = createOnceSettled(throughA);
        throughA.awaitVolume(source, "available");
        try (FileChannel file = FileChannel.open(pool.volumeFile(source), StandardOpenOption.WRITE)) {
            file.write(ByteBuffer.wrap(DATA), 0);
        }
        String snapshot = throughA.createSnapshot(source, "takeover").getSnapshotId();
        throughA.awaitSnapshotCompleted(snapshot);

        // when A begins a volume from it and freezes just before the copy (its claim is journalled)
        faultsOfA.arm(BEFORE_COPY, Action.PAUSE);
        long logBefore = Files.size(cluster.node(A).consoleLog());
        String volume = throughA.createVolumeFromSnapshot(snapshot).getVolumeId();
        assertEquals(volume, StepFaults.awaitFired(cluster.node(A).consoleLog(), logBefore, BEFORE_COPY,
                Duration.ofSeconds(60)));
        long frozenAt = System.nanoTime();
        long logOfB = Files.size(cluster.node(B).consoleLog());
        long logOfC = Files.size(cluster.node(C).consoleLog());
        cluster.freeze(A);

        // then a survivor takes it over and finishes the copy: the volume is available with the data
        Await.until(volume + " to be available through B", LoopbackCluster.CLUSTER_PATIENCE,
                () -> Optional.of(settled("a Describe through B", () -> throughB.volume(volume).getStatus()))
                        .filter("available"::equals),
                () -> "not yet; what B and C logged about it:\n" + takeoverLines(B, logOfB, volume)
                        + takeoverLines(C, logOfC, volume));
        System.out.printf("ClusterFailuresIT: the volume of frozen node A was available through B %d s after A"
                + " froze (failure detection, then the %s lease, then the takeover scan and the copy)%n",
                secondsSince(frozenAt), LEASE);
        assertArrayEquals(DATA, head(pool.volumeFile(volume)));
        PoolState finished = pool.state();

        // when A wakes up, its thread going on with the copy step it froze before
        long logAtResume = Files.size(cluster.node(A).consoleLog());
        cluster.resume(A);

        // then it stops there, saying why, and once it has merged back every node agrees and nothing changed
        Pattern stopped = Pattern.compile(".*" + volume + ".*(this node stops acting on it"
                + "|cannot record the rollback).*");
        Await.until("A to stop acting on " + volume, LoopbackCluster.CLUSTER_PATIENCE,
                () -> linesSince(cluster.node(A).consoleLog(), logAtResume).stream()
                        .filter(line -> stopped.matcher(line).matches()).findFirst(),
                () -> "no such line in " + cluster.node(A).consoleLog());
        cluster.awaitWhole();
        for (int node = A; node <= C; node++) {
            Caller through = cluster.caller(node);
            assertEquals("available", settled("a Describe", () -> through.volume(volume).getStatus()),
                    "through node " + node);
        }
        assertEquals(finished, pool.state());
        assertArrayEquals(DATA, head(pool.volumeFile(volume)));
        List<String> afterResume = linesSince(cluster.node(A).consoleLog(), logAtResume);
        assertTrue(afterResume.stream().noneMatch(line -> line.contains(volume) && line.contains(": done")),
                String.join("\n", afterResume));

        throughB.deleteVolumes(volume, source);
        throughB.deleteSnapshots(snapshot);
    }

    /**
     * Creates a volume through the node, retrying with one client token (so that a retry never makes a
     * second volume) while the cluster settles after a view change.
     */
    private static String createOnceSettled(Caller caller) throws Exception {
        Optional<String> token = Optional.of("cluster-failures-it-" + UUID.randomUUID());
        return settled("a CreateVolume", () -> caller.createVolume("1", token).getVolumeId());
    }

    private void assertReady(int node) throws Exception {
        HttpResponse<String> ready = cluster.node(node).readiness();
        assertEquals(200, ready.statusCode(), ready.body());
    }

    private void assertSameVolumesOnEveryNode() throws Exception {
        Set<String> seenByA = settled("a Describe through A", cluster.caller(A)::volumeIds);
        for (int node = B; node <= C; node++) {
            Caller through = cluster.caller(node);
            assertEquals(seenByA, settled("a Describe through node " + node, through::volumeIds),
                    "volumes described through node " + node);
        }
    }

    private static byte[] head(Path file) throws Exception {
        byte[] head = new byte[DATA.length];
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            channel.read(ByteBuffer.wrap(head), 0);
        }
        return head;
    }

    /** The last lines a node logged since an offset about a volume, takeovers and its view: why none was seen. */
    private String takeoverLines(int node, long offset, String volume) {
        Pattern relevant = Pattern.compile(".*(" + volume + "|Takeover|Recovery|ISPN000094|ISPN100000|ISPN100001"
                + "|DivergedReplicas| WARN | ERROR ).*");
        try {
            List<String> lines = linesSince(cluster.node(node).consoleLog(), offset).stream()
                    .filter(line -> relevant.matcher(line).matches())
                    .map(line -> line.substring(0, Math.min(line.length(), 240))).toList();
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 12), lines.size())) + "\n";
        } catch (Exception e) {
            return "(the log of node " + node + " could not be read: " + e + ")\n";
        }
    }

    private static List<String> linesSince(Path log, long offset) throws Exception {
        return ConsoleLog.since(log, offset).lines().toList();
    }

    private static long secondsSince(long nanos) {
        return Duration.ofNanos(System.nanoTime() - nanos).toSeconds();
    }
}
