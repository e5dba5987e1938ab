package org.vbs.it.system;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.vbs.it.support.Await;
import org.vbs.it.support.Caller;
import org.vbs.it.support.ItConfig;
import org.vbs.it.support.LoopbackCluster;
import org.vbs.it.support.Pool;
import org.vbs.it.support.PoolState;
import org.vbs.it.support.StepFaults;
import org.vbs.it.support.StepFaults.Action;
import org.vbs.it.support.StepFaults.Point;

/**
 * Three nodes on one machine sharing one volume pool (every node's {@code local} host), with a short
 * operation lease. Node A is frozen (SIGSTOP) in the middle of an operation, past its lease: a survivor
 * takes the operation over from the journal and finishes it, without any restart. When A is resumed,
 * its thread goes on from where it froze, finds the operation no longer its own (fencing by the
 * record's epoch, and the minority side refusing writes until A has merged) and does nothing to it.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public class TakeoverIT {
    /** Short, so the test waits little: a survivor takes over about a lease after the holder went silent. */
    private static final String LEASE = "PT6S";
    private static final Point BEFORE_COPY = Point.before("CREATE_VOLUME_FROM_SNAPSHOT", "copy");
    private static final byte[] DATA = "written before the snapshot, copied by whoever finishes"
            .getBytes(StandardCharsets.US_ASCII);

    private LoopbackCluster cluster;
    private StepFaults faults;

    @BeforeAll
    public void startThreeNodesOnOnePool() throws Exception {
        Path work = ItConfig.workDir().resolve("takeover");
        cluster = LoopbackCluster.of("vbs-it-takeover", work, List.of("tk-a", "tk-b", "tk-c"),
                "-Dvbs.operation.lease=" + LEASE);
        faults = StepFaults.in(Files.createDirectories(work.resolve("faults-of-a")));
        cluster = cluster.withJvmOptions(0, faults.jvmOptions());
        cluster.start(true);
    }

    @AfterAll
    public void stopEveryNode() throws Exception {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    public void anOperationOfAFrozenNodeIsFinishedByASurvivorAndTheNodeDoesNothingToItWhenItWakes()
            throws Exception {
        Caller throughA = cluster.caller(0);
        Caller throughB = cluster.caller(1);
        Pool pool = Pool.of(cluster.node(0).vbsHome());
        // given a completed snapshot of a volume holding some data
        String source = throughA.createVolume(1).getVolumeId();
        throughA.awaitVolume(source, "available");
        try (FileChannel file = FileChannel.open(pool.volumeFile(source), StandardOpenOption.WRITE)) {
            file.write(ByteBuffer.wrap(DATA), 0);
        }
        String snapshot = throughA.createSnapshot(source, "takeover").getSnapshotId();
        throughA.awaitSnapshotCompleted(snapshot);

        // when A begins a volume from it and freezes just before the copy (its claim is journalled)
        faults.arm(BEFORE_COPY, Action.PAUSE);
        long logBefore = Files.size(cluster.node(0).consoleLog());
        String volume = throughA.createVolumeFromSnapshot(snapshot).getVolumeId();
        assertEquals(volume, StepFaults.awaitFired(cluster.node(0).consoleLog(), logBefore, BEFORE_COPY,
                Duration.ofSeconds(60)));
        long frozenAt = System.nanoTime();
        cluster.freeze(0);

        // then a survivor takes it over and finishes the copy: the volume is available with the data
        throughB.awaitVolume(volume, "available");
        System.out.printf("TakeoverIT: the volume of frozen node A was available through B %d s after A froze"
                + " (failure detection, then the %s lease, then the takeover scan and the copy)%n",
                Duration.ofNanos(System.nanoTime() - frozenAt).toSeconds(), LEASE);
        assertArrayEquals(DATA, head(pool.volumeFile(volume)));
        PoolState finished = pool.state();

        // when A wakes up, its thread going on with the copy step it froze before
        long logAtResume = Files.size(cluster.node(0).consoleLog());
        cluster.resume(0);

        // then it stops there, saying why, and once it has merged back every node agrees and nothing changed
        Pattern stopped = Pattern.compile(".*" + volume + ".*(this node stops acting on it"
                + "|cannot record the rollback).*");
        Await.until("A to stop acting on " + volume, LoopbackCluster.CLUSTER_PATIENCE,
                () -> linesSince(cluster.node(0).consoleLog(), logAtResume).stream()
                        .filter(line -> stopped.matcher(line).matches()).findFirst(),
                () -> "no such line in " + cluster.node(0).consoleLog());
        cluster.awaitWhole();
        for (int node = 0; node < 3; node++) {
            assertEquals("available", cluster.caller(node).volume(volume).getStatus(), "through node " + node);
        }
        assertEquals(finished, pool.state());
        assertArrayEquals(DATA, head(pool.volumeFile(volume)));
        List<String> afterResume = linesSince(cluster.node(0).consoleLog(), logAtResume);
        assertTrue(afterResume.stream().noneMatch(line -> line.contains(volume) && line.contains("done")),
                String.join("\n", afterResume));

        throughB.deleteVolumes(volume, source);
        throughB.deleteSnapshots(snapshot);
    }

    private static byte[] head(Path file) throws Exception {
        byte[] head = new byte[DATA.length];
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            channel.read(ByteBuffer.wrap(head), 0);
        }
        return head;
    }

    private static List<String> linesSince(Path log, long offset) throws Exception {
        byte[] all = Files.readAllBytes(log);
        int from = (int) Math.min(offset, all.length);
        return new String(all, from, all.length - from, StandardCharsets.UTF_8).lines().toList();
    }
}
