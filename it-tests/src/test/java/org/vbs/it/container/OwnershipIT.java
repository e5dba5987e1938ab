package org.vbs.it.container;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.EnterpriseArchive;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.vbs.it.client.DescribeSnapshotsSetItemResponseType;
import org.vbs.it.client.DescribeVolumesSetItemResponseType;
import org.vbs.it.client.VbsFault;
import org.vbs.it.support.Caller;
import org.vbs.it.support.Callers;
import org.vbs.it.support.Faults;
import org.vbs.it.support.GridCli;
import org.vbs.it.support.ItConfig;
import org.vbs.it.support.Pool;
import org.vbs.it.support.VbsEar;
import org.vbs.it.support.VisibleState;

/**
 * A volume or snapshot belongs to the DN that made it: another user of the same CA can neither see
 * nor touch it, and is told "not found" (not "forbidden", which would confirm the id exists).
 * Every refused call is checked to have changed nothing, for the owner and on disk, and to have left
 * its audit line.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
public class OwnershipIT {
    private final Callers callers = Callers.ofArquillianServer();
    private final Pool pool = Pool.of(ItConfig.vbsHome());

    private Caller owner;
    private Caller stranger;
    private String volume;
    private String snapshot;

    @Deployment(testable = false)
    public static EnterpriseArchive vbs() {
        return VbsEar.fromBuild();
    }

    /** Given an owner with a volume and a completed snapshot of it, and another user of the same CA. */
    @BeforeEach
    public void ownerWithVolumeAndSnapshot() throws Exception {
        owner = callers.newUser("owner");
        stranger = callers.newUser("stranger");
        volume = owner.createVolume(1).getVolumeId();
        owner.awaitVolume(volume, "available");
        snapshot = owner.createSnapshot(volume, "owned").getSnapshotId();
        owner.awaitSnapshotCompleted(snapshot);
    }

    @AfterEach
    public void deleteOwnersResources() throws Exception {
        owner.deleteVolumes(volume);
        owner.deleteSnapshots(snapshot);
    }

    @Test
    public void otherUserDoesNotSeeTheVolumeOrSnapshotInItsLists() throws Exception {
        // when the other user lists everything it has
        // then neither the volume nor the snapshot is there
        assertFalse(stranger.volumeIds().contains(volume));
        assertFalse(stranger.snapshotIds().contains(snapshot));
        assertEquals(List.of(), stranger.allVolumes(Map.of("snapshot-id", List.of(snapshot))));
    }

    @Test
    public void otherUserDescribingTheVolumeByIdGetsNotFound() throws Exception {
        assertRefusedAndNothingChanged("InvalidVolume.NotFound", () -> stranger.describeVolumes(
                List.of(volume), Map.of(), Optional.empty(), Optional.empty()));
    }

    @Test
    public void otherUserDeletingTheVolumeGetsNotFound() throws Exception {
        assertRefusedAndNothingChanged("InvalidVolume.NotFound", () -> stranger.deleteVolume(volume));
    }

    @Test
    public void otherUserSnapshottingTheVolumeGetsNotFound() throws Exception {
        assertRefusedAndNothingChanged("InvalidVolume.NotFound", () -> stranger.createSnapshot(volume, "stolen"));
    }

    @Test
    public void otherUserAttachingTheVolumeGetsNotFound() throws Exception {
        // refused for the volume before the host is even looked at (this server has no hypervisor host)
        assertRefusedAndNothingChanged("InvalidVolume.NotFound",
                () -> stranger.attachVolume(volume, "no-such-host", "vm-42", "vdb"));
    }

    @Test
    public void otherUserDescribingTheSnapshotByIdGetsNotFound() throws Exception {
        assertRefusedAndNothingChanged("InvalidSnapshot.NotFound", () -> stranger.describeSnapshots(
                List.of(snapshot), Map.of(), Optional.empty(), Optional.empty()));
    }

    @Test
    public void otherUserDeletingTheSnapshotGetsNotFound() throws Exception {
        assertRefusedAndNothingChanged("InvalidSnapshot.NotFound", () -> stranger.deleteSnapshot(snapshot));
    }

    @Test
    public void otherUserMakingAVolumeFromTheSnapshotGetsNotFound() throws Exception {
        assertRefusedAndNothingChanged("InvalidSnapshot.NotFound", () -> stranger.createVolumeFromSnapshot(snapshot));
    }

    /** A call of the other user's that must fail with the code and change nothing anyone sees. */
    @FunctionalInterface
    private interface StrangerCall {
        void call() throws Exception;
    }

    private void assertRefusedAndNothingChanged(String code, StrangerCall call) throws Exception {
        // given what both users see, the owner's resources as described, and the pool
        VisibleState ownerBefore = VisibleState.of(owner, pool);
        VisibleState strangerBefore = VisibleState.of(stranger, pool);
        DescribeVolumesSetItemResponseType volumeBefore = owner.volume(volume);
        DescribeSnapshotsSetItemResponseType snapshotBefore = owner.snapshot(snapshot);

        int auditBefore = GridCli.auditLines().size();

        // when the other user makes the call
        VbsFault fault = assertThrows(VbsFault.class, call::call);

        // then it is refused with the code, in one audit line naming the other user, and nothing changed
        assertEquals(code, Faults.code(fault), Faults.message(fault));
        List<String> audit = GridCli.auditLines();
        assertEquals(auditBefore + 1, audit.size(), String.join("\n", audit.subList(auditBefore, audit.size())));
        String line = audit.get(auditBefore);
        assertTrue(line.contains(" dn=\"" + stranger.dn() + "\" ") && line.contains(" outcome=refused reason=\""
                + code + ": " + Faults.message(fault) + "\" "), line);
        assertEquals(ownerBefore, VisibleState.of(owner, pool));
        assertEquals(strangerBefore, VisibleState.of(stranger, pool));
        DescribeVolumesSetItemResponseType volumeAfter = owner.volume(volume);
        assertEquals(volumeBefore.getStatus(), volumeAfter.getStatus());
        assertEquals(volumeBefore.getSize(), volumeAfter.getSize());
        assertEquals(snapshotBefore.getStatus(), owner.snapshot(snapshot).getStatus());
    }
}
