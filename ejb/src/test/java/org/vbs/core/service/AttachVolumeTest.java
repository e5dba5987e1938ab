package org.vbs.core.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.vbs.core.testing.Faults.assertFault;
import static org.vbs.core.testing.ServiceFixture.BOB;
import static org.vbs.core.testing.ServiceFixture.HYPERVISOR_HOST;
import static org.vbs.core.testing.ServiceFixture.JANE;

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
import org.vbs.core.api.SnapshotState;
import org.vbs.core.api.Volume;
import org.vbs.core.api.VolumeAttachment;
import org.vbs.core.api.VolumeState;
import org.vbs.core.domain.Attachment;
import org.vbs.core.domain.VolumeRecord;
import org.vbs.core.ops.OperationKind;
import org.vbs.core.ops.OperationRecord;
import org.vbs.core.testing.InTestHostDrivers;
import org.vbs.core.testing.InTestHostDrivers.Call;
import org.vbs.core.testing.QueuedExecutor;
import org.vbs.core.testing.ServiceFixture;
import org.vbs.plugins.spi.Secret;
import org.vbs.plugins.spi.export.ChapCredentials;
import org.vbs.plugins.spi.export.ExportRequest;

/**
 * AttachVolume and DetachVolume through the step runner: each step's failure ends in a state the
 * owner could have reached, with no target, account, device or journal record left behind.
 */
class AttachVolumeTest {
    @TempDir
    Path dir;
    private ServiceFixture fixture;
    private Volume volume;

    @BeforeEach
    void start() {
        fixture = new ServiceFixture(dir);
        volume = fixture.service.createVolume(JANE, CreateVolumeTest.size(2));
    }

    @AfterEach
    void stop() {
        fixture.close();
    }

    private VolumeRecord stored() {
        return fixture.metadata.store().volume(volume.id()).orElseThrow();
    }

    private VolumeAttachment attach() {
        return fixture.service.attachVolume(JANE, volume.id(), HYPERVISOR_HOST, "vm-1", "sdb");
    }

    private void assertAvailableWithNothingLeft() {
        assertEquals(VolumeState.AVAILABLE, stored().state());
        assertEquals(Optional.empty(), stored().attachment());
        assertEquals(Map.of(), fixture.hostDrivers.targets());
        assertEquals(Map.of(), fixture.hostDrivers.devices());
        assertTrue(fixture.metadata.operations().isEmpty(), fixture.metadata.operations().toString());
    }

    @Test
    void shouldExportWithAFreshChapAccountAttachAndBeInUse() {
        VolumeAttachment attached = attach();

        assertEquals(VolumeAttachment.Status.ATTACHED, attached.status());
        assertEquals(List.of("vm-1", "sdb", HYPERVISOR_HOST), List.of(attached.instanceId(), attached.device(),
                attached.host()));
        assertEquals(VolumeState.IN_USE, stored().state());
        InTestHostDrivers.Target target = fixture.hostDrivers.targets().values().iterator().next();
        Attachment kept = stored().attachment().orElseThrow();
        // The ACL admits only the hypervisor host's initiator, from its registered address.
        assertEquals("iqn.2026-11.org.vbs:initiator.kvm1", target.initiatorIqn());
        assertEquals("10.0.0.7", target.initiatorAddress());
        assertTrue(kept.targetIqn().startsWith("iqn.2026-11.org.vbs:" + volume.id() + "."), kept.targetIqn());
        // The hypervisor logged in with the secret the target was given; the metadata keeps it sealed only.
        assertEquals(target.chapSecret(), fixture.hostDrivers.deviceSecrets().get(volume.id()));
        assertTrue(target.chapSecret().matches("[A-Za-z0-9]{16}"));
        assertFalse(kept.sealedSecret().contains(target.chapSecret()));
        assertFalse(kept.toString().contains(target.chapSecret()));
        Volume described = fixture.service.describeVolumes(JANE, DescribeRequest.all()).items().get(0);
        assertEquals(Optional.of(attached), described.attachment());
        assertFalse(described.toString().contains(target.chapSecret()));
        assertTrue(fixture.metadata.operations().isEmpty());
    }

    @Test
    void shouldDetachUnexportAndForgetTheSecret() {
        attach();
        String firstTarget = stored().attachment().orElseThrow().targetIqn();

        VolumeAttachment detached = fixture.service.detachVolume(JANE, volume.id(), Optional.empty(), Optional.empty(), false);

        assertEquals(VolumeAttachment.Status.DETACHED, detached.status());
        assertAvailableWithNothingLeft();
        // A new attachment gets a new target and a new secret.
        attach();
        assertNotEquals(firstTarget, stored().attachment().orElseThrow().targetIqn());
    }

    @Test
    void shouldRollBackWhenTheExportFails() {
        fixture.hostDrivers.fail(Call.EXPORT);

        assertFault(ErrorCode.INTERNAL_ERROR, this::attach, "request " + JANE.requestId());

        assertAvailableWithNothingLeft();
    }

    @Test
    void shouldAnswerAnInstanceTheHostDoesNotRunAsNotFoundAndLeaveNothing() {
        assertFault(ErrorCode.INVALID_INSTANCE_ID_NOT_FOUND, () -> fixture.service.attachVolume(JANE, volume.id(),
                HYPERVISOR_HOST, "vm-absent", "sdb"), "'vm-absent'", "'kvm1'");

        assertAvailableWithNothingLeft();
    }

    @Test
    void shouldRefuseAnAttachToAHostThatDoesNotAnswerBeforeExportingAnything() {
        // A host that cannot be reached answers no call: neither the check nor the undoing of an attach;
        // and were anything exported, its undoing would fail too.
        fixture.hostDrivers.fail(Call.DEVICES);
        fixture.hostDrivers.fail(Call.DETACH);
        fixture.hostDrivers.fail(Call.UNEXPORT);

        assertFault(ErrorCode.SERVICE_UNAVAILABLE, this::attach, "'kvm1'", "'vm-1'", "nothing was attached");

        assertAvailableWithNothingLeft();
    }

    @Test
    void shouldRemoveTheExportWhenTheAttachFails() {
        fixture.hostDrivers.fail(Call.ATTACH);

        assertFault(ErrorCode.INTERNAL_ERROR, this::attach);

        assertAvailableWithNothingLeft();
    }

    @Test
    void shouldPutTheVolumeInErrorWhenEvenTheRollBackFailsAndLetForceCleanUp() {
        fixture.hostDrivers.fail(Call.ATTACH);
        fixture.hostDrivers.fail(Call.UNEXPORT);

        assertFault(ErrorCode.INTERNAL_ERROR, this::attach);

        assertEquals(VolumeState.ERROR, stored().state());
        assertTrue(stored().stateReason().orElseThrow().contains("undoing step 'export' failed"),
                stored().stateReason().orElseThrow());
        assertEquals(1, fixture.hostDrivers.targets().size());
        assertTrue(fixture.metadata.operations().isEmpty());
        // The owner cannot delete it while its export may remain, but can force the detach.
        assertFault(ErrorCode.INCORRECT_STATE, () -> fixture.service.deleteVolume(JANE, volume.id()), "detach");
        fixture.hostDrivers.heal();
        fixture.service.detachVolume(JANE, volume.id(), Optional.empty(), Optional.empty(), true);
        assertAvailableWithNothingLeft();
    }

    @Test
    void shouldStayInUseWhenTheHypervisorCannotDetachWithoutForce() {
        attach();
        fixture.hostDrivers.fail(Call.DETACH);

        assertFault(ErrorCode.INTERNAL_ERROR, () -> fixture.service.detachVolume(JANE, volume.id(), Optional.empty(), Optional.empty(), false));

        assertEquals(VolumeState.IN_USE, stored().state());
        assertEquals(VolumeAttachment.Status.ATTACHED, stored().attachment().orElseThrow().status());
        assertEquals(1, fixture.hostDrivers.targets().size());
        assertTrue(fixture.metadata.operations().isEmpty());
    }

    @Test
    void shouldForceADetachFromAnUnreachableHypervisorHostAndStillRemoveTheTarget() {
        attach();
        fixture.uninstallDriver();

        fixture.service.detachVolume(JANE, volume.id(), Optional.empty(), Optional.empty(), true);

        assertEquals(VolumeState.AVAILABLE, stored().state());
        assertEquals(Map.of(), fixture.hostDrivers.targets());
        assertTrue(fixture.metadata.operations().isEmpty());
    }

    @Test
    void shouldPutTheVolumeInErrorWhenTheExportCannotBeRemovedAfterTheDeviceWent() {
        attach();
        fixture.hostDrivers.fail(Call.UNEXPORT);

        assertFault(ErrorCode.INTERNAL_ERROR, () -> fixture.service.detachVolume(JANE, volume.id(), Optional.empty(), Optional.empty(), false));

        assertEquals(VolumeState.ERROR, stored().state());
        assertTrue(stored().stateReason().orElseThrow().contains("Detach the volume again with force"),
                stored().stateReason().orElseThrow());
        assertEquals(Map.of(), fixture.hostDrivers.devices());
        fixture.hostDrivers.heal();
        fixture.service.detachVolume(JANE, volume.id(), Optional.empty(), Optional.empty(), true);
        assertAvailableWithNothingLeft();
    }

    @Test
    void shouldRefuseToDeleteAnInUseVolumeButSnapshotIt() {
        attach();

        assertFault(ErrorCode.INCORRECT_STATE, () -> fixture.service.deleteVolume(JANE, volume.id()), "vm-1");
        String snapshotId = fixture.service.createSnapshot(JANE, volume.id(), "crash-consistent").id();
        fixture.executor.runAll();

        assertEquals(SnapshotState.COMPLETED, fixture.metadata.store().snapshot(snapshotId).orElseThrow().state());
        assertEquals(VolumeState.IN_USE, stored().state());
    }

    @Test
    void shouldRefuseBadAttachRequestsChangingNothing() {
        ServiceFixture.Contents before = fixture.contents();

        assertFault(ErrorCode.INVALID_PARAMETER_VALUE, () -> fixture.service.attachVolume(JANE, volume.id(), "nosuch",
                "vm-1", "sdb"), "'nosuch'");
        assertFault(ErrorCode.INVALID_PARAMETER_VALUE, () -> fixture.service.attachVolume(JANE, volume.id(),
                "local", "vm-1", "sdb"), "'local'");
        for (String instance : List.of("vm; reboot", "-x", "../../etc", "a".repeat(65), "vm 1")) {
            assertFault(ErrorCode.INVALID_PARAMETER_VALUE, () -> fixture.service.attachVolume(JANE, volume.id(),
                    HYPERVISOR_HOST, instance, "sdb"), "InstanceId");
        }
        for (String device : List.of("sd b", "-sdb", "/dev/../sdb", "$(id)")) {
            assertFault(ErrorCode.INVALID_PARAMETER_VALUE, () -> fixture.service.attachVolume(JANE, volume.id(),
                    HYPERVISOR_HOST, "vm-1", device), "Device");
        }
        assertFault(ErrorCode.MISSING_PARAMETER, () -> fixture.service.attachVolume(JANE, volume.id(),
                HYPERVISOR_HOST, "", "sdb"));
        assertFault(ErrorCode.INVALID_VOLUME_NOT_FOUND, () -> fixture.service.attachVolume(BOB, volume.id(),
                HYPERVISOR_HOST, "vm-1", "sdb"));
        assertFault(ErrorCode.INCORRECT_STATE, () -> fixture.service.detachVolume(JANE, volume.id(), Optional.empty(), Optional.empty(), false));

        assertEquals(before, fixture.contents());
        assertAvailableWithNothingLeft();
    }

    @Test
    void shouldRefuseASecondVolumeOnTheSameDeviceOfTheSameInstance() {
        attach();
        Volume other = fixture.service.createVolume(JANE, CreateVolumeTest.size(1));

        assertFault(ErrorCode.INVALID_PARAMETER_VALUE, () -> fixture.service.attachVolume(JANE, other.id(),
                HYPERVISOR_HOST, "vm-1", "sdb"), volume.id());

        fixture.service.attachVolume(JANE, other.id(), HYPERVISOR_HOST, "vm-1", "sdc");
        DescribeRequest onSdc = new DescribeRequest(List.of(), Map.of("attachment.instance-id", List.of("vm-1"),
                "attachment.device", List.of("sdc")), Optional.empty(), Optional.empty());
        assertEquals(List.of(other.id()), fixture.service.describeVolumes(JANE, onSdc).items().stream()
                .map(Volume::id).toList());
    }

    @Test
    void shouldRollBackAnAttachARestartInterruptedAfterTheExport() throws Exception {
        attach();
        fixture.service.detachVolume(JANE, volume.id(), Optional.empty(), Optional.empty(), false);
        // As a crash after the export step would leave it: 'attaching', a target, a journal record at step 2.
        fixture.metadata.transactions().run("crash after the export", () -> {
            VolumeRecord current = stored();
            Attachment attachment = new Attachment("vm-1", HYPERVISOR_HOST, "sdb", VolumeAttachment.Status.ATTACHING,
                    ServiceFixture.CLOCK.instant(), "iqn.2026-11.org.vbs:" + volume.id() + ".deadbeef",
                    "iqn.2026-11.org.vbs:initiator.kvm1", "vbs-0123456789ab", "c2VhbGVk");
            fixture.metadata.store().replaceVolume(current, current.moveWithAttachment(VolumeState.ATTACHING,
                    Optional.of(attachment), "AttachVolume"));
            OperationRecord started = OperationRecord.started("op-0123456789abcdef0", OperationKind.ATTACH_VOLUME,
                    volume.id(), JANE.caller().dn(), ServiceFixture.NODE, ServiceFixture.CLOCK.instant(), Map.of());
            fixture.metadata.store().insertOperation(started.stepDone(2, ServiceFixture.CLOCK.instant(),
                    Map.of("portal", "127.0.0.1:3260", "lun", "1")));
        });
        fixture.hostDrivers.heal();
        try (Secret secret = Secret.of("Abcdefgh12345678".toCharArray())) {
            fixture.hostDrivers.export.export(new ExportRequest("iqn.2026-11.org.vbs:" + volume.id() + ".deadbeef",
                    volume.id(), fixture.driver.volumeFile(volume.id()), "iqn.2026-11.org.vbs:initiator.kvm1",
                    "10.0.0.7", new ChapCredentials("vbs-0123456789ab", secret, Optional.empty(), Optional.empty())));
        }
        assertEquals(1, fixture.hostDrivers.targets().size());

        QueuedExecutor afterRestart = new QueuedExecutor();
        fixture.assembly.recover(afterRestart);
        afterRestart.runAll();

        assertAvailableWithNothingLeft();
    }
}
