package org.vbs.it.system;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.vbs.it.client.AttachmentSetItemResponseType;
import org.vbs.it.client.DescribeVolumesSetItemResponseType;
import org.vbs.it.support.Caller;
import org.vbs.it.support.LoopbackCluster;
import org.vbs.it.support.ServerProcess;

/**
 * The kill matrix ({@link KilledBetweenSteps}) in a cluster of three nodes on one machine (A, B, C; see
 * {@link LoopbackCluster}) sharing the lab and the pool: every operation runs on A, which is killed
 * between its steps; no node restarts, the survivors B and C take A's operations over from the journal
 * once their leases have expired and finish or roll back each within {@link #SETTLE} of the kill, as
 * the operations' callers see through B. Between the two rounds A is started again and rejoins. Then
 * all three are stopped and started: every volume, snapshot and attachment is still there.
 *
 * <p>The lease ({@value #LEASE}, PT30S by default) is long enough for the parked operations to hold it
 * until the kill on an idle machine, so the survivors take them over from a dead node; on a loaded one
 * an operation parked longer than its lease (a thread stuck between steps does not renew it) is taken
 * over before the kill, as from a node whose operation hangs, and must end the same way. A takeover
 * begins at most a lease and a quarter after the last renewal.
 *
 * <p>A node that comes back after the others changed the metadata must not serve what its own store
 * kept from before (a journal record a survivor ended would run again): the second round, after A has
 * rejoined, and the full stop and start check that.
 */
public class ClusterNodeKilledBetweenStepsIT extends KilledBetweenSteps {
    private static final int A = 0;
    private static final int B = 1;
    private static final int C = 2;
    private static final String LEASE = "PT15S";

    private LoopbackCluster cluster;

    @Test
    @Order(3)
    public void everyVolumeSnapshotAndAttachmentOutlivesAFullStopAndStartOfTheCluster() throws Exception {
        // given the cluster whole, with the volumes, snapshots and the attachment the matrix left
        bringBackTheDeadNode();
        Map<String, String> volumesBefore = volumes(user());
        Map<String, String> snapshotsBefore = snapshots(user());
        assertTrue(volumesBefore.containsValue("in-use " + VM + " sdb"), volumesBefore.toString());

        // when every node is stopped, and then all are started again
        long t0 = System.nanoTime();
        cluster.restartAll();
        System.out.printf("ClusterNodeKilledBetweenStepsIT: all three stopped, started and ready in %d ms%n",
                millis(t0, System.nanoTime()));

        // then every node describes every volume, its state and attachment, and every snapshot as before
        for (int node = A; node <= C; node++) {
            Caller through = callerOf(cluster.node(node));
            assertEquals(volumesBefore, volumes(through), "volumes through node " + node);
            assertEquals(snapshotsBefore, snapshots(through), "snapshots through node " + node);
        }
        assertNothingLeaked();
        // and the attachment still works: the volume in use is detached through another node
        callerOf(cluster.node(C)).detachVolume(keep, Optional.empty(), Optional.empty(), false);
        awaitVolume(user(), keep, "available", false, System.nanoTime() + SETTLE.toNanos());
        assertNothingLeaked();
    }

    /** Every volume of the user: its state and its attachment (instance and device), if any. */
    private static Map<String, String> volumes(Caller user) throws Exception {
        Map<String, String> volumes = new TreeMap<>();
        for (DescribeVolumesSetItemResponseType volume : user.allVolumes(Map.of())) {
            StringBuilder described = new StringBuilder(volume.getStatus());
            for (AttachmentSetItemResponseType attachment : attachments(volume)) {
                described.append(' ').append(attachment.getInstanceId()).append(' ').append(attachment.getDevice());
            }
            volumes.put(volume.getVolumeId(), described.toString());
        }
        return volumes;
    }

    /** Every snapshot of the user and its state. */
    private static Map<String, String> snapshots(Caller user) throws Exception {
        Map<String, String> snapshots = new TreeMap<>();
        for (String snapshot : user.snapshotIds()) {
            snapshots.put(snapshot, user.snapshot(snapshot).getStatus());
        }
        return snapshots;
    }

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

    /** A is started again on its home (if it is not running) and rejoins; the three are one view and ready. */
    @Override
    void bringBackTheDeadNode() throws Exception {
        if (cluster.node(A).running()) {
            return;
        }
        long t0 = System.nanoTime();
        cluster.node(A).start();
        cluster.awaitWhole();
        System.out.printf("ClusterNodeKilledBetweenStepsIT: A restarted and rejoined in %d ms%n",
                millis(t0, System.nanoTime()));
    }
}
