package org.vbs.it.container;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.EnterpriseArchive;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.vbs.it.client.CreateSnapshotResponseType;
import org.vbs.it.client.CreateVolumeType;
import org.vbs.it.client.VbsFault;
import org.vbs.it.support.Caller;
import org.vbs.it.support.Callers;
import org.vbs.it.support.Faults;
import org.vbs.it.support.ItConfig;
import org.vbs.it.support.Pool;
import org.vbs.it.support.VbsEar;
import org.vbs.it.support.VisibleState;

/**
 * Bad input gets a clear, specific fault and changes nothing: no volume or snapshot appears or goes,
 * no file appears in (or leaves) the pool. One test per case. (Another owner's ids: OwnershipIT.)
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
public class BadInputIT {
    /** Well-formed ids that no one was ever given (ids are 17 random hex digits). */
    private static final String UNKNOWN_VOLUME = "vol-00000000000000000";
    private static final String UNKNOWN_SNAPSHOT = "snap-00000000000000000";
    /** Big enough that a full (non-reflink) copy is observably pending; sparse, so it costs no disk. */
    private static final long BIG_VOLUME_GIB = 4;
    private static final long BIG_VOLUME_DATA_GIB = 3;

    private final Callers callers = Callers.ofArquillianServer();
    private final Pool pool = Pool.of(ItConfig.vbsHome());

    private Caller user;
    private String existingVolume;

    @Deployment(testable = false)
    public static EnterpriseArchive vbs() {
        return VbsEar.fromBuild();
    }

    /** Given a user who already has a volume (so "nothing changed" is not trivially "still empty"). */
    @BeforeEach
    public void userWithAVolume() throws Exception {
        user = callers.newUser("bad-input");
        existingVolume = user.createVolume(1).getVolumeId();
        user.awaitVolume(existingVolume, "available");
    }

    @AfterEach
    public void deleteTheVolume() throws Exception {
        user.deleteVolumes(existingVolume);
    }

    @Test
    public void volumeOfSizeZeroIsRefused() throws Exception {
        assertRefusedAndNothingChanged("InvalidParameterValue", () -> user.createVolume(0));
    }

    @Test
    public void volumeOfNegativeSizeIsRefused() throws Exception {
        assertRefusedAndNothingChanged("InvalidParameterValue", () -> user.createVolume(-5));
    }

    @Test
    public void volumeOfAbsurdSizeIsRefused() throws Exception {
        assertRefusedAndNothingChanged("InvalidParameterValue", () -> user.createVolume(1_000_000));
    }

    @Test
    public void volumeSizeThatIsNoWholeNumberIsRefused() throws Exception {
        assertRefusedAndNothingChanged("InvalidParameterValue",
                () -> user.createVolume("1.5", Optional.empty()));
    }

    @Test
    public void volumeSizeWithASignSpacesOrOtherDigitsThanAsciiIsRefusedNamingSize() throws Exception {
        // each of these was once taken as 1: Java's number parsers accept them
        for (String size : List.of(" 1", "1 ", "+1", "\u0661", "\uff11")) {
            assertRefusedAndNothingChanged("InvalidParameterValue", () -> user.createVolume(size, Optional.empty()),
                    "size '" + size + "'");
        }
    }

    @Test
    public void volumeWithNeitherSizeNorSnapshotIsRefused() throws Exception {
        assertRefusedAndNothingChanged("MissingParameter", () -> user.port().createVolume(new CreateVolumeType()));
    }

    @Test
    public void malformedVolumeIdIsRefused() throws Exception {
        assertRefusedAndNothingChanged("InvalidVolumeID.Malformed", () -> user.deleteVolume("vol-NOT-A-VOLUME"));
    }

    @Test
    public void volumeIdNamingAPathOutsideThePoolIsRefusedAsMalformed() throws Exception {
        assertRefusedAndNothingChanged("InvalidVolumeID.Malformed",
                () -> user.createSnapshot("../../pki/ca/cakey", "escape"));
    }

    @Test
    public void deletingUnknownVolumeIsRefused() throws Exception {
        assertRefusedAndNothingChanged("InvalidVolume.NotFound", () -> user.deleteVolume(UNKNOWN_VOLUME));
    }

    @Test
    public void snapshottingUnknownVolumeIsRefused() throws Exception {
        assertRefusedAndNothingChanged("InvalidVolume.NotFound", () -> user.createSnapshot(UNKNOWN_VOLUME, "none"));
    }

    @Test
    public void describingUnknownVolumeIsRefused() throws Exception {
        assertRefusedAndNothingChanged("InvalidVolume.NotFound", () -> user.describeVolumes(
                List.of(existingVolume, UNKNOWN_VOLUME), Map.of(), Optional.empty(), Optional.empty()));
    }

    @Test
    public void volumeFromUnknownSnapshotIsRefused() throws Exception {
        assertRefusedAndNothingChanged("InvalidSnapshot.NotFound",
                () -> user.createVolumeFromSnapshot(UNKNOWN_SNAPSHOT));
    }

    @Test
    public void deletingUnknownSnapshotIsRefused() throws Exception {
        assertRefusedAndNothingChanged("InvalidSnapshot.NotFound", () -> user.deleteSnapshot(UNKNOWN_SNAPSHOT));
    }

    @Test
    public void malformedSnapshotIdIsRefused() throws Exception {
        assertRefusedAndNothingChanged("InvalidSnapshotID.Malformed", () -> user.deleteSnapshot("snap-?"));
    }

    @Test
    public void unknownFilterNameIsRefused() throws Exception {
        assertRefusedAndNothingChanged("InvalidParameterValue",
                () -> user.allVolumes(Map.of("colour", List.of("blue"))));
    }

    @Test
    public void forgedNextTokenIsRefused() throws Exception {
        assertRefusedAndNothingChanged("InvalidPaginationToken", () -> user.describeVolumes(
                List.of(), Map.of(), Optional.of(5), Optional.of("not-a-token-the-service-gave")));
    }

    @Test
    public void nonPositiveMaxResultsIsRefused() throws Exception {
        assertRefusedAndNothingChanged("InvalidParameterValue", () -> user.describeVolumes(
                List.of(), Map.of(), Optional.of(0), Optional.empty()));
    }

    @Test
    public void deletingVolumeWhileItIsBeingSnapshottedIsRefused() throws Exception {
        // given a volume holding GiBs of data whose snapshot is still being copied (a copy moves only the
        // data extents, so the data has to be there; on a pool with reflinks the copy would be instant and
        // this case cannot be staged: the unit tests cover it with a held copy)
        String big = user.createVolume(BIG_VOLUME_GIB).getVolumeId();
        user.awaitVolume(big, "available");
        fillWithData(pool.volumeFile(big), BIG_VOLUME_DATA_GIB << 30);
        CreateSnapshotResponseType snapshot = user.createSnapshot(big, "in progress");
        assertEquals("pending", snapshot.getStatus());

        // when the user deletes the volume
        VbsFault fault = assertThrows(VbsFault.class, () -> user.deleteVolume(big));

        // then it is refused as in the wrong state, and the snapshot was still being taken
        assertEquals("IncorrectState", Faults.code(fault), Faults.message(fault));
        assertEquals("pending", user.snapshot(snapshot.getSnapshotId()).getStatus(),
                "the snapshot completed before the delete arrived: the test needs a bigger volume");
        // and the volume is still there, available, with its file; the snapshot completes
        assertEquals("available", user.volume(big).getStatus());
        assertTrue(Files.exists(pool.volumeFile(big)));
        user.awaitSnapshotCompleted(snapshot.getSnapshotId());
        assertEquals(Set.of(existingVolume, big), user.volumeIds());

        user.deleteVolumes(big);
        user.deleteSnapshots(snapshot.getSnapshotId());
    }

    /** Writes non-zero data over the first {@code bytes} of a volume file, as a guest would. */
    private static void fillWithData(Path file, long bytes) throws IOException {
        ByteBuffer block = ByteBuffer.allocateDirect(1 << 20);
        while (block.hasRemaining()) {
            block.put((byte) 0x5a);
        }
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
            for (long offset = 0; offset < bytes; offset += block.capacity()) {
                block.clear();
                while (block.hasRemaining()) {
                    channel.write(block, offset + block.position());
                }
            }
        }
    }

    /** A call that must fail with the code and change nothing. */
    @FunctionalInterface
    private interface BadCall {
        void call() throws Exception;
    }

    private void assertRefusedAndNothingChanged(String code, BadCall call) throws Exception {
        assertRefusedAndNothingChanged(code, call, "");
    }

    private void assertRefusedAndNothingChanged(String code, BadCall call, String mention) throws Exception {
        // given what the user sees and the pool
        VisibleState before = VisibleState.of(user, pool);

        // when the bad call is made
        VbsFault fault = assertThrows(VbsFault.class, call::call);

        // then it is refused with the specific code and a message, and nothing changed
        assertEquals(code, Faults.code(fault), Faults.message(fault));
        assertFalse(Faults.message(fault).isBlank(), "a fault needs a message a person can act on");
        assertTrue(Faults.message(fault).contains(mention), Faults.message(fault));
        assertEquals(before, VisibleState.of(user, pool));
    }
}
