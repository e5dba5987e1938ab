package org.vbs.it.system;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.vbs.it.client.DescribeVolumesSetItemResponseType;
import org.vbs.it.support.Await;
import org.vbs.it.support.Caller;
import org.vbs.it.support.Callers;
import org.vbs.it.support.ItConfig;
import org.vbs.it.support.Pool;
import org.vbs.it.support.RecordingRelay;
import org.vbs.it.support.Resources;
import org.vbs.it.support.ServerProcess;
import org.vbs.it.support.VbsHomes;

/**
 * Two VBS nodes on one machine as one cluster, started as the README tells an operator to: each the
 * run script (bin/vbs-server) on a VBS_HOME and a port offset of its own, the second home given the
 * first one's trust and keys, both with the same cluster name and the same JGroups host list. What
 * one node writes, the other reads; a signed request one node took is refused by the other. Both
 * are stopped by their PIDs at the end, whatever happened.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public class ClusterPairIT {
    /**
     * The second node's ports are the first one's plus this. No two ports of a node (JGroups 7600 and
     * 57600, HTTP 8080, HTTPS 8443, management 9990 and 9993, transactions 4712 and 4713) are this far
     * apart, and the other test servers' offsets are whole hundreds: no port is taken twice.
     */
    private static final int SECOND_NODE_OFFSET = 50;
    private static final String NODE_A = "pair-a";
    private static final String NODE_B = "pair-b";
    /**
     * Both nodes boot at once on the same cores, so each may take up to twice as long as a server
     * booting alone ({@link ServerProcess#awaitAnswering()} waits 5 min): a bound, not a speed check.
     */
    private static final Duration BOOT_PATIENCE = Duration.ofMinutes(10);
    /** Joining is quick once the second node runs; the bound only ends a test whose nodes never meet. */
    private static final Duration VIEW_PATIENCE = Duration.ofMinutes(1);

    private ServerProcess nodeA;
    private ServerProcess nodeB;

    @BeforeAll
    public void startTwoNodesAsOneCluster() throws Exception {
        Path work = ItConfig.workDir().resolve("cluster-pair");
        VbsHomes.deleteTree(work);
        int offsetA = ItConfig.systemPortOffset();
        int offsetB = offsetA + SECOND_NODE_OFFSET;
        String[] cluster = {"-Dvbs.cluster.name=vbs-it-pair",
            "-Dvbs.jgroups.initial-hosts=127.0.0.1[" + (7600 + offsetA) + "],127.0.0.1[" + (7600 + offsetB) + "]"};
        Path workA = Files.createDirectories(work.resolve(NODE_A));
        Path workB = Files.createDirectories(work.resolve(NODE_B));
        nodeA = ServerProcess.withoutLab(workA.resolve("vbs-home"), offsetA, workA).withArguments(cluster)
                .withNodeName(NODE_A);
        nodeB = ServerProcess.withoutLab(workB.resolve("vbs-home"), offsetB, workB).withArguments(cluster)
                .withNodeName(NODE_B);

        // The first node's VBS_HOME has its PKI (the run script adds its plugins); the second home gets
        // that home's trust and keys before its first start. Both then boot at once: whichever comes
        // first leads the view, the other joins it (or the two views merge).
        VbsHomes.make(nodeA.vbsHome(), List.of());
        VbsHomes.shareTrust(nodeA.vbsHome(), Files.createDirectories(nodeB.vbsHome()));
        nodeA.launch();
        nodeB.launch();
        nodeA.awaitAnswering(BOOT_PATIENCE);
        nodeB.awaitAnswering(BOOT_PATIENCE);
        awaitViewOfBoth(nodeA);
        awaitViewOfBoth(nodeB);
    }

    @AfterAll
    public void stopBothNodes() throws Exception {
        List<AutoCloseable> stops = new ArrayList<>();
        for (ServerProcess node : new ServerProcess[] {nodeB, nodeA}) {
            if (node != null) {
                stops.add(node::stop);
            }
        }
        Resources.closeAll(stops);
    }

    @Test
    public void volumeCreatedThroughOneNodeIsDescribedAndDeletedThroughTheOther() throws Exception {
        // given the development user of each node: one credential, the trust both nodes share
        Caller throughA = Callers.of(nodeA.endpoint(), nodeA.vbsHome()).devUser();
        Caller throughB = Callers.of(nodeB.endpoint(), nodeB.vbsHome()).devUser();

        // when a volume is created through B (its file goes to B's pool)
        String volume = throughB.createVolume(2).getVolumeId();
        throughB.awaitVolume(volume, "available");

        // then A describes it as B does: the metadata are replicated
        DescribeVolumesSetItemResponseType seenByA = throughA.volume(volume);
        assertEquals("available", seenByA.getStatus());
        assertEquals(2, seenByA.getSize());
        assertTrue(throughA.volumeIds().contains(volume));
        assertTrue(Files.exists(Pool.of(nodeB.vbsHome()).volumeFile(volume)));

        // when B deletes it, it is gone for A too, and so is its file
        throughB.deleteVolume(volume);
        throughA.awaitVolumeGone(volume);
        Pool.of(nodeB.vbsHome()).awaitAbsent(Pool.of(nodeB.vbsHome()).volumeFile(volume));
    }

    @Test
    public void signedRequestTakenByOneNodeIsRefusedAsAReplayByTheOtherAndMakesNothing() throws Exception {
        // given a signed CreateVolume captured on its way to A, which made one volume
        RecordingRelay.Captured captured;
        String volume;
        try (RecordingRelay relay = RecordingRelay.to(nodeA.endpoint())) {
            volume = Callers.of(relay.endpoint(), nodeA.vbsHome()).devUser().createVolume(1).getVolumeId();
            captured = relay.captured().get(0);
        }
        Caller throughA = Callers.of(nodeA.endpoint(), nodeA.vbsHome()).devUser();
        Caller throughB = Callers.of(nodeB.endpoint(), nodeB.vbsHome()).devUser();
        throughA.awaitVolume(volume, "available");
        Set<String> volumesBefore = throughA.volumeIds();
        assertEquals(volumesBefore, throughB.volumeIds());
        assertTrue(volumesBefore.contains(volume), volumesBefore.toString());
        long replaysLoggedByB = linesWith(nodeB.consoleLog(), "A replay attack has been detected");
        long auditLinesOfB = Files.readAllLines(nodeB.auditLog()).size();

        // when the same bytes are posted to B
        HttpResponse<String> response = captured.replayTo(nodeB.endpoint());

        // then B refuses them with the WS-Security fault (which says no more), as A would
        assertEquals(500, response.statusCode(), response.body());
        assertTrue(response.body().contains("Fault"), response.body());
        assertFalse(response.body().contains("CreateVolumeResponse"), response.body());
        assertEquals(replaysLoggedByB + 1, linesWith(nodeB.consoleLog(), "A replay attack has been detected"),
                "B's log names this replay");
        // and B's audit log has the refusal
        List<String> audit = Files.readAllLines(nodeB.auditLog());
        List<String> refusals = audit.subList((int) auditLinesOfB, audit.size()).stream()
                .filter(line -> line.contains(" op=CreateVolume ") && line.contains(" outcome=refused ")).toList();
        assertEquals(1, refusals.size(), String.join("\n", audit));
        // and no volume was made: both nodes describe the same volumes as before
        assertEquals(volumesBefore, throughA.volumeIds());
        assertEquals(volumesBefore, throughB.volumeIds());

        throughA.deleteVolumes(volume);
        throughB.awaitVolumeGone(volume);
    }

    /** Waits until the node's JGroups channel has a view of both nodes (the view of one cluster). */
    private static void awaitViewOfBoth(ServerProcess node) throws Exception {
        AtomicReference<String> view = new AtomicReference<>("nothing read yet");
        Await.until("a cluster view of " + NODE_A + " and " + NODE_B + " on " + node.endpoint(), VIEW_PATIENCE, () -> {
            view.set(node.clusterView());
            return Optional.of(view.get()).filter(read -> read.contains("(2) [") && read.contains(NODE_A)
                    && read.contains(NODE_B));
        }, view::get);
    }

    private static long linesWith(Path log, String text) throws Exception {
        return Files.readAllLines(log).stream().filter(line -> line.contains(text)).count();
    }
}
