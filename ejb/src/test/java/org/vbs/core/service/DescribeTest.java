package org.vbs.core.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.vbs.core.testing.Faults.assertFault;
import static org.vbs.core.testing.ServiceFixture.BOB;
import static org.vbs.core.testing.ServiceFixture.JANE;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.vbs.core.api.CreateVolumeRequest;
import org.vbs.core.api.DescribeRequest;
import org.vbs.core.api.ErrorCode;
import org.vbs.core.api.Page;
import org.vbs.core.api.Snapshot;
import org.vbs.core.api.Volume;
import org.vbs.core.testing.ServiceFixture;

class DescribeTest {
    @TempDir
    Path dir;
    private ServiceFixture fixture;

    @BeforeEach
    void start() {
        fixture = new ServiceFixture(dir);
    }

    @AfterEach
    void stop() {
        fixture.close();
    }

    private Volume create(long size, Map<String, String> tags) {
        return fixture.service.createVolume(JANE,
                new CreateVolumeRequest(Optional.of(size), Optional.empty(), Optional.empty(), tags));
    }

    private static DescribeRequest filters(Map<String, List<String>> filters) {
        return new DescribeRequest(List.of(), filters, Optional.empty(), Optional.empty());
    }

    private static DescribeRequest ids(String... ids) {
        return new DescribeRequest(List.of(ids), Map.of(), Optional.empty(), Optional.empty());
    }

    private static DescribeRequest page(int max, Optional<String> token) {
        return new DescribeRequest(List.of(), Map.of(), Optional.of(max), token);
    }

    private List<String> volumeIds(DescribeRequest request) {
        return fixture.service.describeVolumes(JANE, request).items().stream().map(Volume::id).toList();
    }

    @Test
    void shouldDescribeExplicitIdsSortedAndOnlyTheCallers() {
        Volume a = create(1, Map.of());
        Volume b = create(2, Map.of());
        Volume bobs = fixture.service.createVolume(BOB, CreateVolumeTest.size(1));

        assertEquals(List.of(a, b).stream().map(Volume::id).sorted().toList(), volumeIds(ids(b.id(), a.id(), b.id())));
        assertFault(ErrorCode.INVALID_VOLUME_NOT_FOUND,
                () -> fixture.service.describeVolumes(JANE, ids(a.id(), bobs.id(), "vol-0123456789abcdef0")),
                "'" + bobs.id() + "'", "'vol-0123456789abcdef0'", "do not exist");
        assertFault(ErrorCode.INVALID_VOLUME_ID_MALFORMED, () -> fixture.service.describeVolumes(JANE, ids("vol-x")));
    }

    @Test
    void shouldFilterVolumesOnEveryDocumentedName() {
        Volume small = create(1, Map.of("team", "red"));
        Volume big = create(10, Map.of("team", "blue", "backup", "yes"));

        assertEquals(List.of(small.id()), volumeIds(filters(Map.of("size", List.of("1")))));
        assertEquals(List.of(big.id()), volumeIds(filters(Map.of("tag:team", List.of("blue", "green")))));
        assertEquals(List.of(big.id()), volumeIds(filters(Map.of("tag-key", List.of("backup")))));
        assertEquals(List.of(small.id()), volumeIds(filters(Map.of("volume-id", List.of(small.id())))));
        assertEquals(2, volumeIds(filters(Map.of("status", List.of("available")))).size());
        assertEquals(List.of(), volumeIds(filters(Map.of("status", List.of("creating")))));
        assertEquals(List.of(), volumeIds(filters(Map.of("snapshot-id", List.of("snap-0123456789abcdef0")))));
        // Every filter must match.
        assertEquals(List.of(), volumeIds(filters(Map.of("size", List.of("1"), "tag:team", List.of("blue")))));
        assertEquals(List.of(small.id()), volumeIds(new DescribeRequest(List.of(small.id(), big.id()),
                Map.of("size", List.of("1")), Optional.empty(), Optional.empty())));
    }

    @Test
    void shouldFilterVolumesBySourceSnapshot() {
        Volume source = create(1, Map.of());
        Snapshot snapshot = fixture.service.createSnapshot(JANE, source.id(), "");
        fixture.executor.runAll();
        Volume copy = fixture.service.createVolume(JANE,
                new CreateVolumeRequest(Optional.empty(), Optional.of(snapshot.id()), Optional.empty(), Map.of()));

        assertEquals(List.of(copy.id()), volumeIds(filters(Map.of("snapshot-id", List.of(snapshot.id())))));
        assertEquals(List.of(copy.id()), volumeIds(filters(Map.of("status", List.of("creating")))));
    }

    @Test
    void shouldRefuseUnknownFiltersAndImpossibleValues() {
        assertFault(ErrorCode.INVALID_PARAMETER_VALUE,
                () -> fixture.service.describeVolumes(JANE, filters(Map.of("colour", List.of("red")))),
                "'colour'", "status", "tag:<key>");
        assertFault(ErrorCode.INVALID_PARAMETER_VALUE,
                () -> fixture.service.describeVolumes(JANE, filters(Map.of("status", List.of("in_use")))),
                "'in_use'", "available", "in-use");
        assertFault(ErrorCode.INVALID_PARAMETER_VALUE, () -> fixture.service.describeVolumes(JANE,
                filters(Map.of("attachment.status", List.of("plugged")))), "'plugged'", "attached");
        assertFault(ErrorCode.INVALID_PARAMETER_VALUE,
                () -> fixture.service.describeVolumes(JANE, filters(Map.of("size", List.of("ten")))), "'ten'");
        assertFault(ErrorCode.INVALID_PARAMETER_VALUE,
                () -> fixture.service.describeVolumes(JANE, filters(Map.of("size", List.of()))), "at least one");
        assertFault(ErrorCode.INVALID_PARAMETER_VALUE,
                () -> fixture.service.describeSnapshots(JANE, filters(Map.of("size", List.of("1")))), "'size'");
    }

    @Test
    void shouldPageThroughEveryVolumeOnceInIdOrder() {
        List<String> all = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            all.add(create(1, Map.of()).id());
        }
        fixture.service.createVolume(BOB, CreateVolumeTest.size(1));
        all.sort(null);

        List<String> seen = new ArrayList<>();
        Optional<String> token = Optional.empty();
        int pages = 0;
        do {
            Page<Volume> page = fixture.service.describeVolumes(JANE, page(5, token));
            page.items().forEach(v -> seen.add(v.id()));
            token = page.nextToken();
            pages++;
        } while (token.isPresent());

        assertEquals(all, seen);
        assertEquals(3, pages);
    }

    @Test
    void shouldGiveNoTokenWhenTheLastPageIsExactlyFull() {
        for (int i = 0; i < 5; i++) {
            create(1, Map.of());
        }
        Page<Volume> page = fixture.service.describeVolumes(JANE, page(5, Optional.empty()));
        assertEquals(5, page.items().size());
        assertEquals(Optional.empty(), page.nextToken());
    }

    @Test
    void shouldPageTheFilteredResults() {
        for (int i = 0; i < 7; i++) {
            create(1, Map.of());
            create(2, Map.of());
        }
        DescribeRequest first = new DescribeRequest(List.of(), Map.of("size", List.of("2")), Optional.of(5),
                Optional.empty());
        Page<Volume> one = fixture.service.describeVolumes(JANE, first);
        Page<Volume> two = fixture.service.describeVolumes(JANE, new DescribeRequest(List.of(),
                Map.of("size", List.of("2")), Optional.of(5), one.nextToken()));

        assertEquals(5, one.items().size());
        assertEquals(2, two.items().size());
        assertEquals(Optional.empty(), two.nextToken());
        assertTrue(two.items().stream().allMatch(v -> v.sizeGiB() == 2));
    }

    @ParameterizedTest
    @ValueSource(ints = {-1, 0, 4, 1001})
    void shouldRefuseMaxResultsOutOfRange(int max) {
        assertFault(ErrorCode.INVALID_PARAMETER_VALUE,
                () -> fixture.service.describeVolumes(JANE, page(max, Optional.empty())), String.valueOf(max),
                "5 to 1000");
    }

    @Test
    void shouldRefusePaginationWithExplicitIds() {
        Volume v = create(1, Map.of());
        assertFault(ErrorCode.INVALID_PARAMETER_VALUE, () -> fixture.service.describeVolumes(JANE,
                new DescribeRequest(List.of(v.id()), Map.of(), Optional.of(5), Optional.empty())), "explicit");
        assertFault(ErrorCode.INVALID_PARAMETER_VALUE, () -> fixture.service.describeVolumes(JANE,
                new DescribeRequest(List.of(v.id()), Map.of(), Optional.empty(),
                        Optional.of(Pagination.token(v.id())))), "explicit");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "%%%", "dm9sLTEy", "c25hcC0wMTIzNDU2Nzg5YWJjZGVmMA"})
    void shouldRefuseTokensItDidNotIssue(String token) {
        // "dm9sLTEy" is "vol-12"; the last is a snapshot id, not a volume id.
        assertFault(ErrorCode.INVALID_PAGINATION_TOKEN,
                () -> fixture.service.describeVolumes(JANE, page(5, Optional.of(token))), "NextToken");
    }

    @Test
    void shouldDescribeAndFilterSnapshots() {
        Volume a = create(1, Map.of());
        Volume b = create(3, Map.of());
        Snapshot sa = fixture.service.createSnapshot(JANE, a.id(), "first");
        fixture.executor.runAll();
        Snapshot sb = fixture.service.createSnapshot(JANE, b.id(), "second");
        fixture.service.createSnapshot(BOB, fixture.service.createVolume(BOB, CreateVolumeTest.size(1)).id(), "");

        assertEquals(2, fixture.service.describeSnapshots(JANE, DescribeRequest.all()).items().size());
        assertEquals(List.of(sa.id()), snapshotIds(filters(Map.of("status", List.of("completed")))));
        assertEquals(List.of(sb.id()), snapshotIds(filters(Map.of("status", List.of("pending")))));
        assertEquals(List.of(sb.id()), snapshotIds(filters(Map.of("volume-id", List.of(b.id())))));
        assertEquals(List.of(sa.id()), snapshotIds(filters(Map.of("description", List.of("first")))));
        assertEquals(List.of(sb.id()), snapshotIds(filters(Map.of("volume-size", List.of("3")))));
        assertEquals(List.of(sa.id()), snapshotIds(filters(Map.of("snapshot-id", List.of(sa.id())))));
        assertFault(ErrorCode.INVALID_PARAMETER_VALUE,
                () -> fixture.service.describeSnapshots(JANE, filters(Map.of("status", List.of("available")))));
        assertFault(ErrorCode.INVALID_SNAPSHOT_NOT_FOUND,
                () -> fixture.service.describeSnapshots(BOB, ids(sa.id())), sa.id());
    }

    @Test
    void shouldPageSnapshotsAndRefuseAVolumeToken() {
        Volume v = create(1, Map.of());
        List<String> all = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            all.add(fixture.service.createSnapshot(JANE, v.id(), "").id());
        }
        all.sort(null);
        Page<Snapshot> one = fixture.service.describeSnapshots(JANE, page(5, Optional.empty()));
        Page<Snapshot> two = fixture.service.describeSnapshots(JANE, page(5, one.nextToken()));

        List<String> seen = new ArrayList<>(one.items().stream().map(Snapshot::id).toList());
        two.items().forEach(s -> seen.add(s.id()));
        assertEquals(all, seen);
        assertEquals(Optional.empty(), two.nextToken());
        assertFault(ErrorCode.INVALID_PAGINATION_TOKEN, () -> fixture.service.describeSnapshots(JANE,
                page(5, Optional.of(Pagination.token(v.id())))));
    }

    private List<String> snapshotIds(DescribeRequest request) {
        return fixture.service.describeSnapshots(JANE, request).items().stream().map(Snapshot::id).toList();
    }
}
