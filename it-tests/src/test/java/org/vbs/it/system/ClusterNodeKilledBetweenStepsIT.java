package org.vbs.it.system;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
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
import org.vbs.it.support.StepFaults;

/**
 * The kill matrix ({@link KilledBetweenSteps}) in a cluster of four nodes on one machine (A, B, C, D;
 * see {@link LoopbackCluster}) sharing the lab and the pool. No node restarts: in the first round every
 * operation runs on A, which is killed between its steps, and the survivors take its operations over
 * from the journal once their leases have expired and finish or roll back each within {@link #SETTLE}
 * of the kill, as the operations' callers see through C; in the second round the same with B (three
 * of the four left, so the two left are still a majority of the three). Before that, all four are
 * stopped and started together: every volume, snapshot and attachment is still there.
 *
 * <p>The lease ({@value #LEASE}, PT30S by default) is long enough for the parked operations to hold it
 * until the kill on an idle machine, so the survivors take them over from a dead node; on a loaded one
 * an operation parked longer than its lease (a thread stuck between steps does not renew it) is taken
 * over before the kill, as from a node whose operation hangs, and must end the same way. A takeover
 * begins at most a lease and a quarter after the last renewal.
 *
 * <p>A dead node is not started again here: its own store still holds what the others changed since
 * (README, "Two nodes as one"); {@link ClusterKillMatrixSoak} brings the dead back with emptied stores.
 */
public class ClusterNodeKilledBetweenStepsIT extends KilledBetweenSteps {
    static final int A = 0;
    static final int B = 1;
    static final int C = 2;
    static final int D = 3;
    private static final String LEASE = "PT15S";

    LoopbackCluster cluster;
    StepFaults faultsOfA;
    StepFaults faultsOfB;
    private int dying = A;

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
        faultsOfA = faults;
        faultsOfB = StepFaults.in(Files.createDirectories(work.resolve("faults-of-b")));
        cluster = LoopbackCluster.of("vbs-it-killed", nodesDir(work), List.of("kill-a", "kill-b", "kill-c", "kill-d"),
                "-Dvbs.operation.lease=" + LEASE).withJvmOptions(A, faultsOfA.jvmOptions())
                .withJvmOptions(B, faultsOfB.jvmOptions());
        started.add(0, cluster);
        cluster.start(hostFiles);
    }

    @Override
    ServerProcess dying() {
        return cluster.node(dying);
    }

    @Override
    Caller user() {
        return callerOf(cluster.node(C));
    }

    /** Nothing but time: the others see the node leave, and take over its operations once their leases expire. */
    @Override
    long recover(String what, int interrupted, long haltedAt) throws Exception {
        int[] survivors = dying == A ? new int[] {B, C, D} : new int[] {C, D};
        for (int survivor : survivors) {
            cluster.awaitView(survivor, survivors);
        }
        System.out.printf("ClusterNodeKilledBetweenStepsIT: the survivors had %s out of their view %d ms after %s%n",
                dying().vbsHome().getParent().getFileName(), millis(haltedAt, System.nanoTime()), what);
        return haltedAt;
    }

    /** The second round's operations run on B, with B's faults. */
    @Override
    void beforeSecondRound() {
        dying = B;
        faults = faultsOfB;
    }

    /** For another pass (the soak): A dies first again, with A's faults. */
    void firstRoundOnA() {
        dying = A;
        faults = faultsOfA;
    }

    @Test
    @Order(0)
    public void everyVolumeSnapshotAndAttachmentOutlivesAFullStopAndStartOfTheCluster() throws Exception {
        // given volumes, one in use, and a completed snapshot
        Caller user = user();
        String attached = createVolume(user);
        attach(user, attached, "sdx");
        String snapshotted = createVolume(user);
        String snapshot = user.createSnapshot(snapshotted, "before the full stop").getSnapshotId();
        user.awaitSnapshotCompleted(snapshot);
        Map<String, String> volumesBefore = volumes(user);
        Map<String, String> snapshotsBefore = snapshots(user);
        assertEquals("in-use " + VM + " sdx", volumesBefore.get(attached));

        // when every node is stopped, and then all are started again
        long t0 = System.nanoTime();
        cluster.restartAll();
        System.out.printf("ClusterNodeKilledBetweenStepsIT: all four stopped, started and ready in %d ms%n",
                millis(t0, System.nanoTime()));

        // then every node describes every volume, its state and attachment, and every snapshot as before
        for (ServerProcess node : cluster.nodes()) {
            Caller through = callerOf(node);
            assertEquals(volumesBefore, volumes(through), "volumes through " + node.endpoint());
            assertEquals(snapshotsBefore, snapshots(through), "snapshots through " + node.endpoint());
        }
        assertNothingLeaked();
        // and the attachment still works: the volume in use is detached through another node
        callerOf(cluster.node(D)).detachVolume(attached, Optional.empty(), Optional.empty(), false);
        awaitVolume(user(), attached, "available", false, System.nanoTime() + SETTLE.toNanos());
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
}
