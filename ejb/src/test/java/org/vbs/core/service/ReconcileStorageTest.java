package org.vbs.core.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.vbs.core.testing.Faults.assertFault;
import static org.vbs.core.testing.ServiceFixture.BOB;
import static org.vbs.core.testing.ServiceFixture.CLOCK;
import static org.vbs.core.testing.ServiceFixture.HOST;
import static org.vbs.core.testing.ServiceFixture.HYPERVISOR_HOST;
import static org.vbs.core.testing.ServiceFixture.JANE;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vbs.core.api.ErrorCode;
import org.vbs.core.api.SnapshotState;
import org.vbs.core.api.StorageReconciliation.Finding;
import org.vbs.core.api.StorageReconciliation.Kind;
import org.vbs.core.api.StorageReconciliation.Outcome;
import org.vbs.core.api.StorageReconciliation.Policy;
import org.vbs.core.api.StorageReconciliation.Report;
import org.vbs.core.api.StorageReconciliation.Unchecked;
import org.vbs.core.api.Volume;
import org.vbs.core.api.VolumeState;
import org.vbs.core.domain.VolumeRecord;
import org.vbs.core.ops.OperationKind;
import org.vbs.core.ops.OperationRecord;
import org.vbs.core.testing.InTestHostDrivers.Call;
import org.vbs.core.testing.ServiceFixture;
import org.vbs.plugins.spi.DriverException;
import org.vbs.plugins.spi.Secret;
import org.vbs.plugins.spi.export.ChapCredentials;
import org.vbs.plugins.spi.export.ExportRequest;
import org.vbs.plugins.spi.hypervisor.DeviceAttachRequest;
import org.vbs.plugins.spi.export.ExportedTarget;

/**
 * ReconcileStorage over the service's real metadata, the temp-dir volume driver's real files and the
 * in-test target and hypervisor: orphans reported, and removed under {@code clean}; storage found gone
 * marks its volume {@code error}; what an operation is working on, and what was made moments ago, left
 * alone; a failing removal reported while the others go on; only administrators may run it.
 */
class ReconcileStorageTest {
    /** Well before the fixture's clock: older than any grace period. */
    private static final Instant OLD = CLOCK.instant().minus(Duration.ofHours(1));
    private static final String ORPHAN_VOLUME = "vol-0123456789abcdef0";
    private static final String ORPHAN_SNAPSHOT = "snap-0123456789abcdef0";

    @TempDir
    Path dir;
    private ServiceFixture fixture;

    @BeforeEach
    void start() throws IOException {
        fixture = new ServiceFixture(dir);
        Files.writeString(fixture.adminsFile, JANE.caller().dn() + "\n");
    }

    @AfterEach
    void stop() {
        fixture.close();
    }

    private Report reconcile(Policy policy) {
        return fixture.assembly.reconciliation().reconcileStorage(JANE, Optional.of(policy));
    }

    private Path orphanFile(Path file, Instant modified) throws IOException {
        Files.write(file, new byte[] {1, 2, 3});
        Files.setLastModifiedTime(file, FileTime.from(modified));
        return file;
    }

    private String orphanTarget(String volumeId) throws DriverException {
        String iqn = "iqn.2026-11.org.vbs:" + volumeId + ".deadbeef";
        try (Secret secret = Secret.of("Abcdefgh12345678".toCharArray())) {
            fixture.hostDrivers.export.export(new ExportRequest(iqn, volumeId, fixture.driver.volumeFile(volumeId),
                    "iqn.2026-11.org.vbs:initiator.kvm1", "10.0.0.7",
                    new ChapCredentials("vbs-0123456789ab", secret, Optional.empty(), Optional.empty())));
        }
        return iqn;
    }

    private static Finding finding(Kind kind, String id, String detail, Outcome outcome) {
        return new Finding(HOST, kind, id, detail, outcome, Optional.empty());
    }

    @Test
    void shouldReportAnOrphanFileAndTargetAndRemoveThemOnlyUnderClean() throws Exception {
        Path file = orphanFile(fixture.driver.volumeFile(ORPHAN_VOLUME), OLD);
        Path snapshotFile = orphanFile(fixture.driver.snapshotFile(ORPHAN_SNAPSHOT), OLD);
        String iqn = orphanTarget(ORPHAN_VOLUME);
        // A volume with its storage and an attachment with its target and device: all accounted for.
        Volume kept = fixture.service.createVolume(JANE, CreateVolumeTest.size(1));
        fixture.service.attachVolume(JANE, kept.id(), HYPERVISOR_HOST, "vm-1", "sdb");

        Report reported = reconcile(Policy.REPORT);

        assertEquals(List.of(finding(Kind.ORPHAN_VOLUME_STORAGE, ORPHAN_VOLUME, "", Outcome.REPORTED),
                finding(Kind.ORPHAN_SNAPSHOT_STORAGE, ORPHAN_SNAPSHOT, "", Outcome.REPORTED),
                finding(Kind.ORPHAN_TARGET, iqn, "volume " + ORPHAN_VOLUME, Outcome.REPORTED)), reported.findings());
        assertEquals(Policy.REPORT, reported.policy());
        assertEquals(ServiceFixture.NODE, reported.node());
        assertEquals(List.of(new Unchecked(HYPERVISOR_HOST, Reconciler.HYPERVISOR_DEVICES,
                Reconciler.DEVICES_NOT_LISTED)), reported.unchecked());
        assertTrue(Files.exists(file) && Files.exists(snapshotFile));
        assertTrue(fixture.hostDrivers.targets().containsKey(iqn));

        Report cleaned = reconcile(Policy.CLEAN);

        assertEquals(List.of(finding(Kind.ORPHAN_VOLUME_STORAGE, ORPHAN_VOLUME, "", Outcome.CLEANED),
                finding(Kind.ORPHAN_SNAPSHOT_STORAGE, ORPHAN_SNAPSHOT, "", Outcome.CLEANED),
                finding(Kind.ORPHAN_TARGET, iqn, "volume " + ORPHAN_VOLUME, Outcome.CLEANED)), cleaned.findings());
        assertFalse(Files.exists(file) || Files.exists(snapshotFile));
        assertEquals(List.of(fixture.driver.volumeFile(kept.id())), fixture.driver.files());
        assertEquals(1, fixture.hostDrivers.targets().size());
        assertEquals(1, fixture.hostDrivers.devices().size());
        assertEquals(VolumeState.IN_USE, fixture.metadata.store().volume(kept.id()).orElseThrow().state());
        assertEquals(List.of(), reconcile(Policy.CLEAN).findings());
    }

    @Test
    void shouldDetachAVbsDeviceFromAnInstanceItsVolumeIsNotAttachedTo() throws Exception {
        Volume attached = fixture.service.createVolume(JANE, CreateVolumeTest.size(1));
        fixture.service.attachVolume(JANE, attached.id(), HYPERVISOR_HOST, "vm-1", "sdb");
        // A device of an unknown volume in the attachment's instance, left by something VBS no longer knows.
        String iqn = orphanTarget(ORPHAN_VOLUME);
        try (Secret secret = Secret.of("Abcdefgh12345678".toCharArray())) {
            fixture.hostDrivers.hypervisor.attach(new DeviceAttachRequest("vm-1", "sdc",
                    new ExportedTarget(iqn, "127.0.0.1:3260", 1, ORPHAN_VOLUME), "iqn.2026-11.org.vbs:initiator.kvm1",
                    new ChapCredentials("vbs-0123456789ab", secret, Optional.empty(), Optional.empty())));
        }

        Report report = reconcile(Policy.CLEAN);

        assertEquals(List.of(finding(Kind.ORPHAN_TARGET, iqn, "volume " + ORPHAN_VOLUME, Outcome.CLEANED),
                new Finding(HYPERVISOR_HOST, Kind.ORPHAN_DEVICE, ORPHAN_VOLUME, "instance vm-1 device sdc",
                        Outcome.CLEANED, Optional.empty())), report.findings());
        assertEquals(List.of(attached.id()), fixture.hostDrivers.devices().values().stream()
                .map(d -> d.volumeId()).toList());
    }

    @Test
    void shouldMarkAVolumeAndASnapshotWhoseStorageIsGoneErrorWithTheReason() throws Exception {
        Volume lost = fixture.service.createVolume(JANE, CreateVolumeTest.size(1));
        Volume kept = fixture.service.createVolume(JANE, CreateVolumeTest.size(1));
        String snapshotId = fixture.service.createSnapshot(JANE, kept.id(), "").id();
        fixture.executor.runAll();
        Files.delete(fixture.driver.volumeFile(lost.id()));
        Files.delete(fixture.driver.snapshotFile(snapshotId));

        Report report = reconcile(Policy.REPORT);

        assertEquals(List.of(finding(Kind.MISSING_VOLUME_STORAGE, lost.id(), "was available", Outcome.MARKED_ERROR),
                finding(Kind.MISSING_SNAPSHOT_STORAGE, snapshotId, "volume " + kept.id(), Outcome.MARKED_ERROR)),
                report.findings());
        VolumeRecord marked = fixture.metadata.store().volume(lost.id()).orElseThrow();
        assertEquals(VolumeState.ERROR, marked.state());
        assertTrue(marked.stateReason().orElseThrow().contains("storage on host " + HOST + " is gone"),
                marked.stateReason()::toString);
        assertEquals(SnapshotState.ERROR, fixture.metadata.store().snapshot(snapshotId).orElseThrow().state());
        assertEquals(VolumeState.AVAILABLE, fixture.metadata.store().volume(kept.id()).orElseThrow().state());
        // Marked once: a volume already in error is not a finding again, and DeleteVolume still removes it.
        assertEquals(List.of(), reconcile(Policy.CLEAN).findings());
        fixture.service.deleteVolume(JANE, lost.id());
        assertTrue(fixture.metadata.store().volume(lost.id()).isEmpty());
    }

    @Test
    void shouldLeaveAloneWhatAnOperationIsWorkingOnAndWhatWasMadeMomentsAgo() throws Exception {
        // Storage and a target of a volume whose operation another node is running: its claim is in the
        // journal only (as a node that crashed between claim and commit leaves it, from this node's view).
        String busy = "vol-00000000000000bb1";
        Path busyFile = orphanFile(fixture.driver.volumeFile(busy), OLD);
        String busyTarget = orphanTarget(busy);
        fixture.metadata.transactions().run("journal", () -> fixture.metadata.store().insertOperation(
                OperationRecord.started("op-000000000000000a1", OperationKind.CREATE_VOLUME, busy, JANE.caller().dn(),
                        "other-node", CLOCK.instant().plusSeconds(30), Map.of())));
        // And a file made a moment ago, whose metadata may still be on its way.
        Path recent = orphanFile(fixture.driver.volumeFile(ORPHAN_VOLUME), CLOCK.instant().minusSeconds(10));
        // A volume in the middle of its delete: its storage is going away, that is not a loss.
        Volume deleting = fixture.service.createVolume(JANE, CreateVolumeTest.size(1));
        VolumeRecord available = fixture.metadata.store().volume(deleting.id()).orElseThrow();
        fixture.metadata.transactions().run("deleting", () -> fixture.metadata.store().replaceVolume(available,
                available.moveTo(VolumeState.DELETING, Optional.empty(), "DeleteVolume")));
        Files.delete(fixture.driver.volumeFile(deleting.id()));
        ServiceFixture.Contents before = fixture.contents();

        Report report = reconcile(Policy.CLEAN);

        assertEquals(List.of(finding(Kind.ORPHAN_VOLUME_STORAGE, ORPHAN_VOLUME, "", Outcome.TOO_RECENT)),
                report.findings());
        assertEquals(before, fixture.contents());
        assertTrue(Files.exists(busyFile) && Files.exists(recent));
        assertTrue(fixture.hostDrivers.targets().containsKey(busyTarget));
    }

    @Test
    void shouldReportAFailingRemovalAndGoOnWithTheOthers() throws Exception {
        String iqn = orphanTarget(ORPHAN_VOLUME);
        Path file = orphanFile(fixture.driver.volumeFile(ORPHAN_VOLUME), OLD);
        fixture.hostDrivers.fail(Call.UNEXPORT);

        Report report = reconcile(Policy.CLEAN);

        assertEquals(2, report.findings().size(), report.findings()::toString);
        assertEquals(finding(Kind.ORPHAN_VOLUME_STORAGE, ORPHAN_VOLUME, "", Outcome.CLEANED), report.findings().get(0));
        Finding failed = report.findings().get(1);
        assertEquals(List.of(Kind.ORPHAN_TARGET, iqn, Outcome.CLEAN_FAILED),
                List.of(failed.kind(), failed.resourceId(), failed.outcome()));
        assertTrue(failed.problem().orElseThrow().contains("UNEXPORT of " + iqn + " failed"), failed::toString);
        assertFalse(Files.exists(file));
        assertTrue(fixture.hostDrivers.targets().containsKey(iqn));
    }

    @Test
    void shouldNotTakeAVolumeServerThatCannotListForOneThatLostEverything() throws Exception {
        Volume volume = fixture.service.createVolume(JANE, CreateVolumeTest.size(1));
        Files.delete(fixture.driver.volumeFile(volume.id()));
        fixture.driver.failInventory(DriverException.Code.CONFIGURATION);

        Report report = reconcile(Policy.CLEAN);

        assertEquals(List.of(), report.findings());
        assertEquals(List.of(HOST + " " + Reconciler.VOLUME_STORAGE, HYPERVISOR_HOST + " " + Reconciler.HYPERVISOR_DEVICES),
                report.unchecked().stream().map(u -> u.host() + " " + u.what()).toList());
        assertTrue(report.unchecked().get(0).reason().contains("listing failed as the test asked"),
                report.unchecked()::toString);
        assertEquals(VolumeState.AVAILABLE, fixture.metadata.store().volume(volume.id()).orElseThrow().state());
    }

    @Test
    void shouldRefuseANonAdministratorAndChangeNothing() throws Exception {
        orphanFile(fixture.driver.volumeFile(ORPHAN_VOLUME), OLD);
        orphanTarget(ORPHAN_VOLUME);
        Volume lost = fixture.service.createVolume(JANE, CreateVolumeTest.size(1));
        Files.delete(fixture.driver.volumeFile(lost.id()));
        ServiceFixture.Contents before = fixture.contents();
        var targets = fixture.hostDrivers.targets();

        assertFault(ErrorCode.UNAUTHORIZED_OPERATION, () -> fixture.assembly.reconciliation().reconcileStorage(BOB,
                Optional.of(Policy.CLEAN)), "administrators");

        assertEquals(before, fixture.contents());
        assertEquals(targets, fixture.hostDrivers.targets());
    }

    @Test
    void shouldReadTheOperatorsSettingsAndRefuseABadOneNamingIt() {
        Properties properties = new Properties();
        assertEquals(Reconciler.Settings.DEFAULT, Reconciler.Settings.from(properties));
        properties.setProperty("vbs.reconciler.policy", "clean");
        properties.setProperty("vbs.reconciler.interval", "off");
        properties.setProperty("vbs.reconciler.grace", "90");
        assertEquals(new Reconciler.Settings(Policy.CLEAN, Optional.empty(), Duration.ofSeconds(90)),
                Reconciler.Settings.from(properties));
        properties.setProperty("vbs.reconciler.interval", "PT0S");
        assertEquals(Optional.empty(), Reconciler.Settings.from(properties).interval());
        properties.setProperty("vbs.reconciler.interval", "PT1H");
        assertEquals(Optional.of(Duration.ofHours(1)), Reconciler.Settings.from(properties).interval());

        properties.setProperty("vbs.reconciler.policy", "purge");
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> Reconciler.Settings.from(properties));
        assertTrue(e.getMessage().contains("vbs.reconciler.policy is 'purge'"), e::getMessage);
    }
}
