package org.vbs.it.system;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.vbs.it.client.DescribeVolumesSetItemResponseType;
import org.vbs.it.client.HostSetItemType;
import org.vbs.it.client.VbsFault;
import org.vbs.it.support.Await;
import org.vbs.it.support.Caller;
import org.vbs.it.support.Callers;
import org.vbs.it.support.Faults;
import org.vbs.it.support.ItConfig;
import org.vbs.it.support.LoopbackCluster;
import org.vbs.it.support.Pool;
import org.vbs.it.support.RecordingRelay;
import org.vbs.it.support.ServerProcess;
import org.vbs.it.support.VbsHomes;

/**
 * Two VBS nodes on one machine as one cluster, started as the README tells an operator to: each the
 * run script (bin/vbs-server) on a VBS_HOME and a port offset of its own, the second home given the
 * first one's trust and keys, both with the same cluster name and the same JGroups host list. What
 * one node writes, the other reads; a host registered through one node is used and deregistered
 * through the other; a signed request one node took is refused by the other. Both are stopped by
 * their PIDs at the end, whatever happened.
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

    @Test
    public void hostRegisteredThroughOneNodeIsUsedThroughTheOtherAndDeregisteredThroughItForBoth() throws Exception {
        // given an administrator (the development user) of each node, and a pool on tmpfs: of the
        // volume servers, only one on tmpfs holds a 16 TiB volume (ext4's largest file is 16 TiB - 4 KiB)
        Caller throughA = Callers.of(nodeA.endpoint(), nodeA.vbsHome()).devUser();
        Caller throughB = Callers.of(nodeB.endpoint(), nodeB.vbsHome()).devUser();
        String host = "vs-pair-tmpfs";
        Path tmpfsPool = Files.createTempDirectory(Path.of("/dev/shm"), "vbs-it-pair-pool");
        Pool pool = new Pool(tmpfsPool);
        try {
            // when it registers that volume server through A
            throughA.port().registerHost(Caller.registration(host, Map.of("transport", "local", "volume.driver", "file",
                    "volume.pool", tmpfsPool.toString())));

            // then B describes it as registered, working, and no node has a file of it
            HostSetItemType seenByB = onlyHost(throughB, host);
            assertEquals(List.of("volume.pool=" + tmpfsPool), seenByB.getPropertySet().getItem().stream()
                    .map(p -> p.getKey() + "=" + p.getValue()).toList());
            assertEquals(List.of(), seenByB.getProblemSet().getItem());
            for (ServerProcess node : List.of(nodeA, nodeB)) {
                assertFalse(Files.exists(node.vbsHome().resolve("hosts").resolve(host + ".properties")));
            }

            // and B places a volume only it can hold there
            String volume = throughB.createVolume(16_384).getVolumeId();
            throughB.awaitVolume(volume, "available");
            assertTrue(Files.exists(pool.volumeFile(volume)), "the volume is on the host registered through A");

            // when the same name is registered through B, with another pool
            VbsFault duplicate = assertThrows(VbsFault.class, () -> throughB.port().registerHost(Caller.registration(
                    host, Map.of("transport", "local", "volume.driver", "file", "volume.pool", "/srv/elsewhere"))));

            // then it is refused as a duplicate, and both nodes still have the first registration
            assertEquals("InvalidHost.Duplicate", Faults.code(duplicate), Faults.message(duplicate));
            for (Caller admin : List.of(throughA, throughB)) {
                assertEquals(List.of("volume.pool=" + tmpfsPool), onlyHost(admin, host).getPropertySet().getItem()
                        .stream().map(p -> p.getKey() + "=" + p.getValue()).toList());
            }

            // and while it keeps the volume, B refuses to deregister it (the volume's metadata are A's too)
            VbsFault inUse = assertThrows(VbsFault.class, () -> throughB.deregisterHost(host));
            assertEquals("IncorrectState", Faults.code(inUse), Faults.message(inUse));
            onlyHost(throughA, host);

            // when A deletes the volume: A runs the delete on the host registered through it, placed on by B
            throughA.deleteVolume(volume);
            pool.awaitAbsent(pool.volumeFile(volume));

            // and B deregisters the host, then A no longer has it either
            awaitDeregistered(throughB, host);
            VbsFault gone = assertThrows(VbsFault.class, () -> throughA.describeHosts(host));
            assertEquals("InvalidHost.NotFound", Faults.code(gone), Faults.message(gone));
            assertTrue(throughA.describeHosts().stream().noneMatch(h -> h.getHostName().equals(host)));
        } finally {
            if (throughA.describeHosts().stream().anyMatch(h -> h.getHostName().equals(host))) {
                assertTrue(throughA.deregisterHost(host));
            }
            VbsHomes.deleteTree(tmpfsPool);
        }
    }

    private static HostSetItemType onlyHost(Caller admin, String name) throws VbsFault {
        List<HostSetItemType> hosts = admin.describeHosts(name);
        assertEquals(List.of(name), hosts.stream().map(HostSetItemType::getHostName).toList());
        return hosts.get(0);
    }

    /** A deleted volume leaves the metadata once its delete finished (just after its file is gone). */
    private static void awaitDeregistered(Caller admin, String name) throws Exception {
        Await.until("host " + name + " to be deregistered", Caller.PATIENCE, () -> {
            try {
                assertTrue(admin.deregisterHost(name));
                return Optional.of(name);
            } catch (VbsFault fault) {
                if (!"IncorrectState".equals(Faults.code(fault))) {
                    throw fault;
                }
                return Optional.empty();
            }
        }, () -> "still in use");
    }

    private static long linesWith(Path log, String text) throws Exception {
        return Files.readAllLines(log).stream().filter(line -> line.contains(text)).count();
    }
}
