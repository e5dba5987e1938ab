package org.vbs.it.container;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.EnterpriseArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.vbs.it.client.CreateVolumeResponseType;
import org.vbs.it.client.DescribeVolumesResponseType;
import org.vbs.it.client.DescribeVolumesSetItemResponseType;
import org.vbs.it.client.VbsFault;
import org.vbs.it.support.Caller;
import org.vbs.it.support.Callers;
import org.vbs.it.support.Faults;
import org.vbs.it.support.ItConfig;
import org.vbs.it.support.Pool;
import org.vbs.it.support.Processes;
import org.vbs.it.support.VbsEar;

/**
 * CreateVolume, DescribeVolumes and DeleteVolume through the signed SOAP API, checked against the
 * real files of the pool. Each test uses a user of its own, so it starts with no volume.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
public class VolumeLifecycleIT {
    private static final long GIB = 1L << 30;

    private final Callers callers = Callers.ofArquillianServer();
    private final Pool pool = Pool.of(ItConfig.vbsHome());

    @Deployment(testable = false)
    public static EnterpriseArchive vbs() {
        return VbsEar.fromBuild();
    }

    @Test
    public void createdVolumeIsAvailableAsSparseFileOfItsSizeInThePool() throws Exception {
        // given a user
        Caller user = callers.newUser("volume-create");

        // when it creates a 3 GiB volume
        CreateVolumeResponseType created = user.createVolume(3);

        // then the volume is the user's, 3 GiB, and available
        assertTrue(created.getVolumeId().matches("vol-[0-9a-f]{17}"), created.getVolumeId());
        assertEquals(3, created.getSize());
        DescribeVolumesSetItemResponseType described = user.awaitVolume(created.getVolumeId(), "available");
        assertEquals(3, described.getSize());
        assertNull(described.getSnapshotId());
        // and it is a sparse file of exactly 3 GiB in the pool
        Path file = pool.volumeFile(created.getVolumeId());
        assertTrue(Files.isRegularFile(file), file + " missing");
        assertEquals(3 * GIB, Files.size(file));
        long allocated = Processes.allocatedBytes(file);
        assertTrue(allocated < 1 << 20, file + " occupies " + allocated + " bytes: not sparse");

        user.deleteVolumes(created.getVolumeId());
    }

    @Test
    public void describeByIdsAnswersExactlyThoseVolumes() throws Exception {
        // given a user with three volumes
        Caller user = callers.newUser("volume-describe-ids");
        String first = user.createVolume(1).getVolumeId();
        String second = user.createVolume(2).getVolumeId();
        String third = user.createVolume(1).getVolumeId();

        // when it describes two of them by id
        DescribeVolumesResponseType answer =
                user.describeVolumes(List.of(first, third), Map.of(), Optional.empty(), Optional.empty());

        // then exactly those two come back, with their sizes
        Map<String, Long> sizes = new TreeMap<>();
        answer.getVolumeSet().getItem().forEach(v -> sizes.put(v.getVolumeId(), v.getSize()));
        assertEquals(Map.of(first, 1L, third, 1L), sizes);
        assertEquals(Set.of(first, second, third), user.volumeIds());

        user.deleteVolumes(first, second, third);
    }

    @Test
    public void statusFilterAnswersOnlyVolumesInThatStatus() throws Exception {
        // given a user with two available volumes
        Caller user = callers.newUser("volume-filter-status");
        String first = user.createVolume(1).getVolumeId();
        String second = user.createVolume(1).getVolumeId();
        user.awaitVolume(first, "available");
        user.awaitVolume(second, "available");

        // when it filters on status
        Set<String> available = ids(user.allVolumes(Map.of("status", List.of("available"))));
        Set<String> creatingOrDeleting = ids(user.allVolumes(Map.of("status", List.of("creating", "deleting"))));

        // then the filter selects by status
        assertEquals(Set.of(first, second), available);
        assertEquals(Set.of(), creatingOrDeleting);

        user.deleteVolumes(first, second);
    }

    @Test
    public void snapshotIdFilterAnswersOnlyVolumesMadeFromThatSnapshot() throws Exception {
        // given a volume, a snapshot of it, and a volume made from the snapshot
        Caller user = callers.newUser("volume-filter-snapshot");
        String source = user.createVolume(1).getVolumeId();
        String snapshot = user.createSnapshot(source, "filter test").getSnapshotId();
        user.awaitSnapshotCompleted(snapshot);
        CreateVolumeResponseType copy = user.createVolumeFromSnapshot(snapshot);
        assertEquals(snapshot, copy.getSnapshotId());

        // when it filters on snapshot-id
        Set<String> fromSnapshot = ids(user.allVolumes(Map.of("snapshot-id", List.of(snapshot))));

        // then only the copy matches
        assertEquals(Set.of(copy.getVolumeId()), fromSnapshot);
        assertEquals(Set.of(source, copy.getVolumeId()), user.volumeIds());

        user.awaitVolume(copy.getVolumeId(), "available");
        user.deleteVolumes(copy.getVolumeId(), source);
        user.deleteSnapshots(snapshot);
    }

    @Test
    public void paginationAnswersEveryVolumeExactlyOnceAcrossPages() throws Exception {
        // given a user with eleven volumes
        Caller user = callers.newUser("volume-pages");
        Set<String> created = new TreeSet<>();
        for (int i = 0; i < 11; i++) {
            created.add(user.createVolume(1).getVolumeId());
        }

        // when it pages through them five at a time
        List<Integer> pageSizes = new ArrayList<>();
        List<String> seen = new ArrayList<>();
        Optional<String> token = Optional.empty();
        do {
            DescribeVolumesResponseType page = user.describeVolumes(List.of(), Map.of(), Optional.of(5), token);
            pageSizes.add(page.getVolumeSet().getItem().size());
            page.getVolumeSet().getItem().forEach(v -> seen.add(v.getVolumeId()));
            token = Optional.ofNullable(page.getNextToken());
            assertTrue(pageSizes.size() <= 11, "pagination does not end: " + pageSizes);
        } while (token.isPresent());

        // then three pages hold every volume once, and only the last has no nextToken
        assertEquals(List.of(5, 5, 1), pageSizes);
        assertEquals(seen.size(), new HashSet<>(seen).size(), "a volume came twice: " + seen);
        assertEquals(created, new TreeSet<>(seen));

        user.deleteVolumes(created.toArray(String[]::new));
    }

    @Test
    public void deletedVolumeIsGoneFromDescribeAndFromDisk() throws Exception {
        // given a user's available volume
        Caller user = callers.newUser("volume-delete");
        String volume = user.createVolume(2).getVolumeId();
        user.awaitVolume(volume, "available");
        Path file = pool.volumeFile(volume);
        assertTrue(Files.exists(file));

        // when the user deletes it
        user.deleteVolume(volume);

        // then DescribeVolumes no longer knows it, by id or in the list, and its file is gone
        user.awaitVolumeGone(volume);
        VbsFault byId = assertThrows(VbsFault.class, () -> user.volume(volume));
        assertEquals("InvalidVolume.NotFound", Faults.code(byId));
        assertFalse(user.volumeIds().contains(volume));
        pool.awaitAbsent(file);
    }

    private static Set<String> ids(List<DescribeVolumesSetItemResponseType> volumes) {
        Set<String> ids = new TreeSet<>();
        volumes.forEach(v -> ids.add(v.getVolumeId()));
        return ids;
    }
}
