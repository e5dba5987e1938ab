package org.vbs.core.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.vbs.core.testing.Faults.assertFault;
import static org.vbs.core.testing.ServiceFixture.BOB;
import static org.vbs.core.testing.ServiceFixture.JANE;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vbs.core.api.DescribeRequest;
import org.vbs.core.api.ErrorCode;
import org.vbs.core.api.RequestContext;
import org.vbs.core.api.Snapshot;
import org.vbs.core.api.Volume;
import org.vbs.core.testing.ServiceFixture;
import org.vbs.security.Fqan;
import org.vbs.security.GridIdentity;

/**
 * Administrators (by DN or by VOMS FQAN) describe every owner's volumes and snapshots, and change
 * none but their own: another's volume or snapshot is NotFound to them for every other operation.
 */
class AdminDescribeTest {
    private static final GridIdentity OPERATOR = new GridIdentity("CN=Operator,OU=ops,O=Grid");
    private static final RequestContext ADMIN_BY_DN = new RequestContext("req-admin", OPERATOR);
    private static final RequestContext ADMIN_BY_FQAN = new RequestContext("req-fqan",
            new GridIdentity("CN=Storage Admin,OU=vbs,O=Grid"),
            List.of(Fqan.parse("/myvo/Role=NULL/Capability=NULL"), Fqan.parse("/myvo/Role=storage-admin/Capability=NULL")));
    /** A plain member of the VO the admin list names by role only. */
    private static final RequestContext MEMBER = new RequestContext("req-member",
            new GridIdentity("CN=Member,OU=vbs,O=Grid"), List.of(Fqan.parse("/myvo/Role=NULL/Capability=NULL")));

    @TempDir
    Path dir;
    private ServiceFixture fixture;
    private Volume janes;
    private Volume bobs;
    private Snapshot janesSnapshot;

    @BeforeEach
    void twoOwnersAndAnAdminList() throws Exception {
        fixture = new ServiceFixture(dir);
        janes = fixture.service.createVolume(JANE, CreateVolumeTest.size(1));
        bobs = fixture.service.createVolume(BOB, CreateVolumeTest.size(2));
        fixture.executor.runAll();
        janesSnapshot = fixture.service.createSnapshot(JANE, janes.id(), "jane's");
        fixture.executor.runAll();
        Files.writeString(fixture.adminsFile, String.join("\n", "/O=Grid/OU=ops/CN=Operator", "/myvo/Role=storage-admin",
                ""));
    }

    @AfterEach
    void stop() {
        fixture.close();
    }

    @Test
    void shouldShowAnAdministratorByDnEveryOwnersVolumesAndSnapshots() {
        assertEquals(List.of(bobs.id(), janes.id()).stream().sorted().toList(), volumeIds(ADMIN_BY_DN, DescribeRequest.all()));
        assertEquals(List.of(janesSnapshot.id()), snapshotIds(ADMIN_BY_DN, DescribeRequest.all()));
        assertEquals(List.of(janes.id()), volumeIds(ADMIN_BY_DN, ids(janes.id())));
        assertEquals(List.of(janesSnapshot.id()), fixture.service.describeSnapshots(ADMIN_BY_DN,
                ids(janesSnapshot.id())).items().stream().map(Snapshot::id).toList());
    }

    @Test
    void shouldShowAnAdministratorByFqanEveryOwnersVolumesWithFiltersAndPages() {
        assertEquals(List.of(bobs.id(), janes.id()).stream().sorted().toList(), volumeIds(ADMIN_BY_FQAN, DescribeRequest.all()));
        assertEquals(List.of(bobs.id()), volumeIds(ADMIN_BY_FQAN, new DescribeRequest(List.of(),
                Map.of("size", List.of("2")), Optional.empty(), Optional.empty())));
        assertEquals(2, fixture.service.describeVolumes(ADMIN_BY_FQAN, new DescribeRequest(List.of(), Map.of(),
                Optional.of(5), Optional.empty())).items().size());
        assertEquals(List.of(janesSnapshot.id()), snapshotIds(ADMIN_BY_FQAN, DescribeRequest.all()));
    }

    @Test
    void shouldShowAMemberWithoutTheListedRoleOnlyItsOwn() {
        assertEquals(List.of(), volumeIds(MEMBER, DescribeRequest.all()));
        assertEquals(List.of(), snapshotIds(MEMBER, DescribeRequest.all()));
        assertFault(ErrorCode.INVALID_VOLUME_NOT_FOUND, () -> fixture.service.describeVolumes(MEMBER, ids(janes.id())),
                janes.id());
        // and owners still see only their own
        assertEquals(List.of(bobs.id()), volumeIds(BOB, DescribeRequest.all()));
    }

    @Test
    void shouldLetNoAdministratorChangeAnothersVolumeOrSnapshotAndChangeNothing() {
        ServiceFixture.Contents before = fixture.contents();

        for (RequestContext admin : List.of(ADMIN_BY_DN, ADMIN_BY_FQAN)) {
            assertFault(ErrorCode.INVALID_VOLUME_NOT_FOUND, () -> fixture.service.deleteVolume(admin, janes.id()));
            assertFault(ErrorCode.INVALID_VOLUME_NOT_FOUND,
                    () -> fixture.service.createSnapshot(admin, janes.id(), "not mine"));
            assertFault(ErrorCode.INVALID_SNAPSHOT_NOT_FOUND,
                    () -> fixture.service.deleteSnapshot(admin, janesSnapshot.id()));
            assertFault(ErrorCode.INVALID_VOLUME_NOT_FOUND, () -> fixture.service.attachVolume(admin, janes.id(),
                    ServiceFixture.HYPERVISOR_HOST, "i-1", "/dev/vdb"));
            assertFault(ErrorCode.INVALID_VOLUME_NOT_FOUND, () -> fixture.service.detachVolume(admin, janes.id(),
                    Optional.empty(), Optional.empty(), true));
        }
        fixture.executor.runAll();

        assertEquals(before, fixture.contents());
    }

    private List<String> volumeIds(RequestContext caller, DescribeRequest request) {
        return fixture.service.describeVolumes(caller, request).items().stream().map(Volume::id).toList();
    }

    private List<String> snapshotIds(RequestContext caller, DescribeRequest request) {
        return fixture.service.describeSnapshots(caller, request).items().stream().map(Snapshot::id).toList();
    }

    private static DescribeRequest ids(String... ids) {
        return new DescribeRequest(List.of(ids), Map.of(), Optional.empty(), Optional.empty());
    }
}
