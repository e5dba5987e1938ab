package org.vbs.it.system;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.vbs.it.client.DescribeVolumesSetItemResponseType;
import org.vbs.it.support.Caller;
import org.vbs.it.support.Callers;
import org.vbs.it.support.ItConfig;
import org.vbs.it.support.LoopbackCluster;
import org.vbs.it.support.Pool;
import org.vbs.it.support.RecordingRelay;
import org.vbs.it.support.ServerProcess;

/**
 * Two VBS nodes on one machine as one cluster, started as the README tells an operator to: each the
 * run script (bin/vbs-server) on a VBS_HOME and a port offset of its own, the second home given the
 * first one's trust and keys, both with the same cluster name and the same JGroups host list. What
 * one node writes, the other reads; a signed request one node took is refused by the other. Both
 * are stopped by their PIDs at the end, whatever happened.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public class ClusterPairIT {
    private LoopbackCluster pair;
    private ServerProcess nodeA;
    private ServerProcess nodeB;

    @BeforeAll
    public void startTwoNodesAsOneCluster() throws Exception {
        // The first node's VBS_HOME has its PKI (the run script adds its plugins); the second home gets
        // that home's trust and keys before its first start. Both then boot at once: whichever comes
        // first leads the view, the other joins it (or the two views merge).
        pair = LoopbackCluster.of("vbs-it-pair", ItConfig.workDir().resolve("cluster-pair"),
                List.of("pair-a", "pair-b"));
        pair.start(false);
        nodeA = pair.node(0);
        nodeB = pair.node(1);
    }

    @AfterAll
    public void stopBothNodes() throws Exception {
        if (pair != null) {
            pair.close();
        }
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

    private static long linesWith(Path log, String text) throws Exception {
        return Files.readAllLines(log).stream().filter(line -> line.contains(text)).count();
    }
}
