package org.vbs.it.system;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.vbs.it.support.Caller;
import org.vbs.it.support.LoopbackCluster;
import org.vbs.it.support.ServerProcess;

/**
 * The kill matrix ({@link KilledBetweenSteps}) in a cluster of three nodes on one machine (A, B, C; see
 * {@link LoopbackCluster}) sharing the lab and the pool: every operation runs on A, which is killed
 * between its steps; no node restarts, the survivors B and C take A's operations over from the journal
 * once their leases have expired and finish or roll back each within {@link #SETTLE} of the kill, as
 * the operations' callers see through B. Between the two rounds A is started again and rejoins.
 *
 * <p>The lease is short ({@value #LEASE}) so the test waits little; with the default PT30S a takeover
 * begins at most a lease and a quarter after the kill.
 */
public class ClusterNodeKilledBetweenStepsIT extends KilledBetweenSteps {
    private static final int A = 0;
    private static final int B = 1;
    private static final int C = 2;
    private static final String LEASE = "PT6S";

    private LoopbackCluster cluster;

    @Override
    String workName() {
        return "cluster-killed";
    }

    /** The first node's home, whose pool every node registers (see {@link LoopbackCluster#start(Map)}). */
    @Override
    Path poolHome(Path work) {
        return nodesDir(work).resolve("kill-a").resolve("vbs-home");
    }

    private static Path nodesDir(Path work) {
        return work.resolve("nodes");
    }

    @Override
    void startService(Path work, Map<String, String> hostFiles) throws Exception {
        cluster = LoopbackCluster.of("vbs-it-killed", nodesDir(work), List.of("kill-a", "kill-b", "kill-c"),
                "-Dvbs.operation.lease=" + LEASE).withJvmOptions(A, faults.jvmOptions());
        started.add(0, cluster);
        cluster.start(hostFiles);
    }

    @Override
    ServerProcess dying() {
        return cluster.node(A);
    }

    @Override
    Caller user() {
        return callerOf(cluster.node(B));
    }

    /** Nothing but time: B and C see A leave, and take over its operations once their leases expire. */
    @Override
    long recover(String what, int interrupted, long haltedAt) throws Exception {
        cluster.awaitView(B, B, C);
        cluster.awaitView(C, B, C);
        System.out.printf("ClusterNodeKilledBetweenStepsIT: B and C had A out of their view %d ms after %s%n",
                millis(haltedAt, System.nanoTime()), what);
        return haltedAt;
    }

    /** A is started again on its home and rejoins; the three are one view and ready. */
    @Override
    void bringBackTheDeadNode() throws Exception {
        long t0 = System.nanoTime();
        cluster.node(A).start();
        cluster.awaitWhole();
        System.out.printf("ClusterNodeKilledBetweenStepsIT: A restarted and rejoined in %d ms%n",
                millis(t0, System.nanoTime()));
    }
}
