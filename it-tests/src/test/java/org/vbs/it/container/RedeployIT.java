package org.vbs.it.container;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.jboss.arquillian.container.test.api.Deployer;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.EnterpriseArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.vbs.it.support.Caller;
import org.vbs.it.support.Callers;
import org.vbs.it.support.VbsEar;

/**
 * Redeploying the EAR (an upgrade, without restarting the server) stops and restarts the caches the
 * application uses, and their file stores with them. What was written before must be read after,
 * and the store must keep working for keys it has never seen.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
public class RedeployIT {
    private static final String VBS = "vbs";
    /**
     * Writes and lookups of keys the store has never seen: after a redeploy, a stale store index showed
     * up as "ISPN029019: Cannot load key ... from index" on some of them, not on every one.
     */
    private static final int NEWCOMERS = 5;
    /** Volumes made and deleted before the redeploy. */
    private static final int CHURN = 5;

    @ArquillianResource
    private Deployer deployer;

    private final Callers callers = Callers.ofArquillianServer();

    @Deployment(name = VBS, managed = false, testable = false)
    public static EnterpriseArchive vbs() {
        return VbsEar.fromBuild();
    }

    @Test
    public void metadataWrittenBeforeARedeployIsReadAndWrittenAfterIt() throws Exception {
        // given a volume and a completed snapshot made through a deployment, which also made and
        // deleted others (so the stores hold removed entries too)
        deployer.deploy(VBS);
        Caller owner = callers.newUser("redeploy-owner");
        for (int i = 0; i < CHURN; i++) {
            owner.deleteVolumes(owner.createVolume(1).getVolumeId());
        }
        String volume = owner.createVolume(1).getVolumeId();
        String snapshot = owner.createSnapshot(volume, "before the redeploy").getSnapshotId();
        owner.awaitSnapshotCompleted(snapshot);

        // when the application is undeployed and deployed again
        deployer.undeploy(VBS);
        deployer.deploy(VBS);

        // then both are read back
        assertEquals("available", owner.volume(volume).getStatus());
        assertEquals("completed", owner.snapshot(snapshot).getStatus());
        // and users the store has never seen (each new keys of the owner index) can list, create a
        // volume and a snapshot and list again, each write followed by reads of keys not seen yet
        List<Caller> newcomers = new ArrayList<>();
        List<String> newVolumes = new ArrayList<>();
        List<String> newSnapshots = new ArrayList<>();
        for (int i = 0; i < NEWCOMERS; i++) {
            Caller newcomer = callers.newUser("redeploy-newcomer-" + i);
            assertEquals(Set.of(), newcomer.volumeIds());
            assertEquals(Set.of(), newcomer.snapshotIds());
            String newVolume = newcomer.createVolume(1).getVolumeId();
            assertEquals(Set.of(newVolume), newcomer.volumeIds());
            String newSnapshot = newcomer.createSnapshot(newVolume, "after the redeploy").getSnapshotId();
            newcomer.awaitSnapshotCompleted(newSnapshot);
            assertEquals(Set.of(newSnapshot), newcomer.snapshotIds());
            newcomers.add(newcomer);
            newVolumes.add(newVolume);
            newSnapshots.add(newSnapshot);
        }

        for (int i = 0; i < NEWCOMERS; i++) {
            newcomers.get(i).deleteVolumes(newVolumes.get(i));
            newcomers.get(i).deleteSnapshots(newSnapshots.get(i));
        }
        owner.deleteVolumes(volume);
        owner.deleteSnapshots(snapshot);
        deployer.undeploy(VBS);
    }
}
