package org.vbs.it.system;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.vbs.it.client.VbsFault;
import org.vbs.it.support.Await;
import org.vbs.it.support.Caller;
import org.vbs.it.support.Callers;
import org.vbs.it.support.Faults;
import org.vbs.it.support.ItConfig;
import org.vbs.it.support.Pool;
import org.vbs.it.support.PoolState;
import org.vbs.it.support.Processes;
import org.vbs.it.support.Resources;
import org.vbs.it.support.ServerProcess;
import org.vbs.it.support.VbsHomes;
import org.vbs.plugins.testkit.tools.NetworkNamespace;
import org.vbs.plugins.testkit.tools.QemuVm;
import org.vbs.plugins.testkit.tools.SshKey;
import org.vbs.plugins.testkit.tools.SshdProcess;
import org.vbs.plugins.testkit.tools.TgtdProcess;

/**
 * Real faults of real tools under a real server (bin/vbs-server, without its lab): each failed
 * attach, detach, snapshot, volume from a snapshot or delete must answer a fault a client can act on
 * (no internal text), leave its resource in a state the owner could have reached, and leave nothing
 * behind: no tgt target or {@code vbs-} CHAP account, no QEMU block node, secret object or device of
 * the volume, no file in the pool, no journal record.
 *
 * <p>The hosts, registered before the server starts: {@code local} (this machine: the file volume
 * driver on a pool of this test's, the tgt driver on a tgtd this test started, the QEMU driver on a
 * QMP directory where this test starts its VMs); {@code bad-bus} (the same VMs, but a virtio-scsi
 * controller id they do not have, so QEMU refuses the device after it accepted secret and block node);
 * {@code gone} (an SSH host at a port nothing listens on); {@code far} (an SSH host: an sshd in a network
 * namespace of this test's, whose sessions reach the same VMs through their QMP socket files, so a test
 * can stop it to make an attached VM's host unreachable). The host-call timeout is a few seconds
 * ({@code vbs.timeout.host-call}), so a frozen VM is cut off quickly.
 *
 * <p>Last before the restart, what is left or lost behind VBS's back on the same real hosts: an orphan
 * file and tgt target that {@code vbs reconcile-storage} reports and, with the clean policy, removes, and
 * a volume whose file was deleted, which it marks {@code error}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
public class AttachFailuresIT {
    private static final int HOST_CALL_SECONDS = 5;
    private static final String LOCAL = "local";
    private static final String BAD_BUS = "bad-bus";
    private static final String GONE = "gone";
    private static final String FAR = "far";
    /** What no answer to a client may hold: internal paths, addresses, tool names. */
    private static final List<String> INTERNAL_TEXT = List.of("/", "127.0.0.1", "tgtadm", "socat", "qmp", "QMP",
            "Exception", "scsi0", "nosuch");

    private final List<AutoCloseable> started = new ArrayList<>();
    private Path work;
    private Path fixtures;
    private Path qmpDir;
    private Pool pool;
    private TgtdProcess tgtd;
    private SshdProcess farSshd;
    private ServerProcess server;
    private Caller user;

    @BeforeAll
    public void startHostsAndServer() throws Exception {
        work = ItConfig.workDir().resolve("attach-failures");
        VbsHomes.deleteTree(work);
        fixtures = Files.createDirectories(work.resolve("fixtures"));
        qmpDir = Files.createDirectories(work.resolve("qmp"));
        pool = new Pool(Files.createDirectories(work.resolve("pool")));
        tgtd = TgtdProcess.startOnLoopback(fixtures);
        Path vbsHome = work.resolve("vbs-home");
        Path hosts = Files.createDirectories(vbsHome.resolve("hosts"));
        // The operator's own file (no "Written by bin/vbs-server" line), so the run script keeps it.
        write(hosts.resolve("local.properties"), "transport=local", "address=127.0.0.1",
                "volume.driver=file", "volume.pool=" + pool.root(),
                "export.driver=tgt", "export.portal=" + tgtd.portal(), "export.control=" + tgtd.controlNumber(),
                "hypervisor.driver=qemu", "hypervisor.qmpSocketDir=" + qmpDir);
        write(hosts.resolve(BAD_BUS + ".properties"), "transport=local", "address=127.0.0.1",
                "hypervisor.driver=qemu", "hypervisor.qmpSocketDir=" + qmpDir, "hypervisor.scsiController=nosuch");
        SshKey key = SshKey.ed25519(fixtures, "service");
        Path knownHosts = fixtures.resolve("gone.known_hosts");
        int deadPort = TgtdProcess.freePort();
        write(knownHosts, "[127.0.0.1]:" + deadPort + " " + SshKey.ed25519(fixtures, "gone-host").publicKeyText());
        write(hosts.resolve(GONE + ".properties"), "transport=ssh", "address=127.0.0.1", "ssh.user=root",
                "ssh.port=" + deadPort, "ssh.privateKey=" + key.privateKey(), "ssh.knownHosts=" + knownHosts,
                "hypervisor.driver=qemu", "hypervisor.qmpSocketDir=" + qmpDir);
        NetworkNamespace farNamespace = NetworkNamespace.create();
        started.add(farNamespace);
        farSshd = SshdProcess.start(farNamespace, fixtures, SshKey.ed25519(fixtures, "far-host"), List.of(key));
        started.add(0, farSshd);
        Path farKnownHosts = fixtures.resolve("far.known_hosts");
        write(farKnownHosts, farSshd.knownHostsLine());
        write(hosts.resolve(FAR + ".properties"), "transport=ssh", "address=" + farSshd.address(), "ssh.user=root",
                "ssh.port=" + farSshd.port(), "ssh.privateKey=" + key.privateKey(), "ssh.knownHosts=" + farKnownHosts,
                "hypervisor.driver=qemu", "hypervisor.qmpSocketDir=" + qmpDir);
        server = ServerProcess.withoutLab(vbsHome, ItConfig.systemPortOffset(), work)
                .withArguments("-Dvbs.timeout.host-call=" + HOST_CALL_SECONDS);
        server.start();
        user = Callers.of(server.endpoint(), server.vbsHome()).devUser();
    }

    @AfterAll
    public void stopEverything() throws Exception {
        List<AutoCloseable> all = new ArrayList<>();
        all.add(() -> {
            if (server != null) {
                server.stop();
            }
        });
        all.addAll(started);
        all.add(() -> {
            if (tgtd != null) {
                tgtd.close();
            }
        });
        Resources.closeAll(all);
    }

    // ------------------------------------------------------------------ host unreachable

    @Test
    public void attachToAHostNothingAnswersOnIsUnavailableAndExportsNothing() throws Exception {
        // given a volume, and host 'gone' registered at an SSH port nothing listens on
        String volume = newVolume();

        // when it is attached to an instance on 'gone'
        VbsFault fault = attachFault(volume, GONE, "vm-far", "sdb");

        // then the caller is told to retry later, naming the host it gave, and nothing was exported
        assertFault(fault, "ServiceUnavailable", "'gone'", "nothing was attached");
        assertAvailableWithNothingLeft(volume);
        user.deleteVolumes(volume);
    }

    // ------------------------------------------------------------------ tgtadm failure

    @Test
    public void attachWhileTheVolumeServersTgtdIsDownIsRefusedAndLeavesNothingInTheVm() throws Exception {
        // given a volume, a running VM, and the volume server's tgtd stopped
        String volume = newVolume();
        QemuVm vm = startVm("vm-tgtd");
        int control = tgtd.controlNumber();
        int port = tgtd.port();
        tgtd.close();
        VbsFault fault;
        try {
            // when it is attached
            fault = attachFault(volume, LOCAL, vm.instanceId(), "sdb");
        } finally {
            tgtd = TgtdProcess.start(fixtures, List.of(), "127.0.0.1", port, control);
        }

        // then the caller gets an internal error naming only the request, the volume is available again,
        // and the VM holds nothing of it
        assertFault(fault, "InternalError", "request");
        assertEquals("available", user.volume(volume).getStatus());
        assertNothingInVm(vm, volume);
        assertRolledBack(volume, "export");
        // and with tgtd back (as empty as any tgtd that starts), the same attach works and detaches cleanly
        user.attachVolume(volume, LOCAL, vm.instanceId(), "sdb");
        assertEquals("in-use", user.volume(volume).getStatus());
        user.detachVolume(volume, Optional.empty(), Optional.empty(), false);
        assertAvailableWithNothingLeft(volume);
        assertNothingInVm(vm, volume);
        user.deleteVolumes(volume);
    }

    // ------------------------------------------------------------------ QMP error

    @Test
    public void qemuRefusingTheDeviceRollsBackItsNodeSecretTargetAndAccount() throws Exception {
        // given a volume and a VM, reached through host 'bad-bus', whose controller id the VM does not have
        String volume = newVolume();
        QemuVm vm = startVm("vm-bus");

        // when it is attached: QEMU takes the secret and the block node (a login to the target) but refuses
        // the device
        VbsFault fault = attachFault(volume, BAD_BUS, vm.instanceId(), "sdb");

        // then the caller gets an internal error, and neither QEMU nor tgtd keeps anything of the attach
        assertFault(fault, "InternalError", "request");
        assertAvailableWithNothingLeft(volume);
        assertNothingInVm(vm, volume);
        assertRolledBack(volume, "attach-device");
        user.deleteVolumes(volume);
    }

    // ------------------------------------------------------------------ VM gone

    @Test
    public void attachToAVmThatWasKilledIsInstanceNotFoundAndExportsNothing() throws Exception {
        // given a volume and a VM killed by its PID (its QMP socket file stays behind)
        String volume = newVolume();
        QemuVm vm = startVm("vm-killed");
        vm.kill();
        assertTrue(Files.exists(vm.socket()), "the stale socket");

        // when it is attached to that VM
        VbsFault fault = attachFault(volume, LOCAL, vm.instanceId(), "sdb");

        // then the instance is not found (the caller's to fix), and nothing was exported
        assertFault(fault, "InvalidInstanceID.NotFound", "'vm-killed'", "'local'");
        assertAvailableWithNothingLeft(volume);
        user.deleteVolumes(volume);
    }

    @Test
    public void detachFromAVmThatDiedMakesTheVolumeAvailableAndRemovesTheTarget() throws Exception {
        // given a volume attached to a VM, which then dies
        String volume = newVolume();
        QemuVm vm = startVm("vm-dies");
        user.attachVolume(volume, LOCAL, vm.instanceId(), "sdb");
        assertEquals(1, tgtd.targetIds().size(), tgtd.showTargets());
        vm.kill();

        // when it is detached, without force: a VM that is not running holds no disk
        user.detachVolume(volume, Optional.empty(), Optional.empty(), false);

        // then it is available, and its target and CHAP account are gone
        assertAvailableWithNothingLeft(volume);
        user.deleteVolumes(volume);
    }

    // ------------------------------------------------------------------ timeout

    @Test
    public void attachToAFrozenVmIsCutOffRolledBackAndLeavesNothingOnceTheVmRuns() throws Exception {
        // given a volume and a VM frozen with SIGSTOP (its QMP socket accepts, but no one answers)
        String volume = newVolume();
        QemuVm vm = startVm("vm-frozen");
        signal("STOP", vm);
        VbsFault fault;
        try {
            // when it is attached (on a thread of its own, with a caller of its own)
            Caller attacher = Callers.of(server.endpoint(), server.vbsHome()).devUser();
            CompletableFuture<VbsFault> attach = CompletableFuture.supplyAsync(() -> assertThrows(VbsFault.class,
                    () -> attacher.attachVolume(volume, LOCAL, vm.instanceId(), "sdb")));

            // then other calls are served meanwhile: the volume shows as attaching, and another is made
            user.awaitVolume(volume, "attaching");
            String other = newVolume();
            user.deleteVolumes(other);
            // and the attach is cut off after the host-call timeout
            fault = attach.get(HOST_CALL_SECONDS * 6L, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw new AssertionError("the attach did not fail as expected", e.getCause());
        } finally {
            signal("CONT", vm);
        }
        assertFault(fault, "ServiceUnavailable", "did not answer in time", "rolled back");
        assertAvailableWithNothingLeft(volume);
        // and once the VM runs again, nothing of the volume came into it late
        assertNothingInVm(vm, volume);
        // and the same attach now works
        user.attachVolume(volume, LOCAL, vm.instanceId(), "sdb");
        user.detachVolume(volume, Optional.empty(), Optional.empty(), false);
        assertAvailableWithNothingLeft(volume);
        assertNothingInVm(vm, volume);
        user.deleteVolumes(volume);
    }

    @Test
    public void detachFromAFrozenVmIsCutOffAndLeavesTheVolumeInUseUntilTheVmAnswers() throws Exception {
        // given a volume attached to a VM, which is then frozen
        String volume = newVolume();
        QemuVm vm = startVm("vm-stalls");
        user.attachVolume(volume, LOCAL, vm.instanceId(), "sdb");
        signal("STOP", vm);
        VbsFault fault;
        try {
            // when it is detached
            fault = assertThrows(VbsFault.class, () -> user.detachVolume(volume, Optional.empty(), Optional.empty(),
                    false));
        } finally {
            signal("CONT", vm);
        }

        // then the detach is cut off and rolled back: still in use, with its target (the disk is still there)
        assertFault(fault, "ServiceUnavailable", "did not answer in time");
        assertEquals("in-use", user.volume(volume).getStatus());
        assertEquals(1, tgtd.targetIds().size(), tgtd.showTargets());
        assertTrue(vmState(vm).contains(volume), "the disk stays while the volume is in use");
        // and once the VM answers, a detach removes disk, target and account
        user.detachVolume(volume, Optional.empty(), Optional.empty(), false);
        assertAvailableWithNothingLeft(volume);
        assertNothingInVm(vm, volume);
        user.deleteVolumes(volume);
    }

    @Test
    public void forcedDetachFromAFrozenVmMakesTheVolumeAvailableAndRemovesTheTarget() throws Exception {
        // given a volume attached to a VM, which is then frozen
        String volume = newVolume();
        QemuVm vm = startVm("vm-forced");
        user.attachVolume(volume, LOCAL, vm.instanceId(), "sdb");
        signal("STOP", vm);
        try {
            // when it is detached with force
            user.detachVolume(volume, Optional.empty(), Optional.empty(), true);
        } finally {
            signal("CONT", vm);
        }

        // then the detach-device call was cut off after the host-call timeout and passed over: the volume is
        // available, its attachment gone, and its target and CHAP account are gone from tgtd
        assertAvailableWithNothingLeft(volume);
        // and the operator's log says the disk may still be in that instance on that host
        assertPassedOverLogged(volume, vm, LOCAL);
        user.deleteVolumes(volume);
    }

    @Test
    public void forcedDetachFromAHypervisorHostThatBecameUnreachableRemovesTheTarget() throws Exception {
        // given a volume attached to a VM on host 'far', reached over SSH, whose sshd then stops
        String volume = newVolume();
        QemuVm vm = startVm("vm-unreached");
        user.attachVolume(volume, FAR, vm.instanceId(), "sdb");
        assertTrue(vmState(vm).contains(volume), "attached through " + FAR);
        farSshd.close();

        // when it is detached with force
        user.detachVolume(volume, Optional.empty(), Optional.empty(), true);

        // then the refused host is passed over: the volume is available, its target and account are gone
        assertAvailableWithNothingLeft(volume);
        assertPassedOverLogged(volume, vm, FAR);
        // and the VM, whose host was never told, still holds the disk (now without a target behind it)
        assertTrue(vmState(vm).contains(volume), "the disk was removed although its host could not be reached");
        user.deleteVolumes(volume);
    }

    // ------------------------------------------------------------------ snapshot, volume from snapshot, delete

    @Test
    public void snapshotThatCannotBeWrittenEndsInErrorLeavingNoFile() throws Exception {
        // given a volume, and the pool's snapshot directory immutable (chattr +i: even root cannot add to it)
        String volume = newVolume();
        Path snapshots = Files.createDirectories(pool.root().resolve("snapshots"));
        PoolState before = PoolState.of(pool.root());
        String snapshot;
        String status;
        String message;
        chattr("+i", snapshots);
        try {
            // when it is snapshotted
            snapshot = user.createSnapshot(volume, "cannot be written").getSnapshotId();
            status = Await.until("snapshot " + snapshot + " to end", Caller.PATIENCE, () -> Optional.of(
                    user.snapshot(snapshot)).filter(s -> !"pending".equals(s.getStatus())), () -> "pending")
                    .getStatus();
            message = String.valueOf(user.snapshot(snapshot).getStatusMessage());
        } finally {
            chattr("-i", snapshots);
        }

        // then the snapshot is in error with a message free of internal text, and no file was left
        assertEquals("error", status);
        assertClean(message);
        assertEquals(before, PoolState.of(pool.root()));
        assertRolledBack(snapshot, "copy");
        // and it can be deleted
        user.deleteSnapshots(snapshot);
        user.deleteVolumes(volume);
    }

    @Test
    public void volumeFromASnapshotThatCannotBeWrittenEndsInErrorLeavingNoFileAndCanBeDeleted() throws Exception {
        // given a completed snapshot, and the pool's volume directory immutable
        String source = newVolume();
        String snapshot = user.createSnapshot(source, "source").getSnapshotId();
        user.awaitSnapshotCompleted(snapshot);
        Path volumes = pool.root().resolve("volumes");
        PoolState before = PoolState.of(pool.root());
        String restored;
        chattr("+i", volumes);
        try {
            // when a volume is made from it
            restored = user.createVolumeFromSnapshot(snapshot).getVolumeId();
            user.awaitVolume(restored, "error");
        } finally {
            chattr("-i", volumes);
        }

        // then the volume is in error, no file of it is in the pool (nor a partial copy in tmp)
        assertEquals(before, PoolState.of(pool.root()));
        assertFalse(Files.exists(pool.volumeFile(restored)));
        // and it can be deleted
        user.deleteVolumes(restored, source);
        user.deleteSnapshots(snapshot);
    }

    @Test
    public void deleteOfAVolumeWhoseFileCannotBeRemovedEndsInErrorAndCanBeRetried() throws Exception {
        // given a volume whose file is immutable
        String volume = newVolume();
        Path file = pool.volumeFile(volume);
        chattr("+i", file);
        try {
            // when it is deleted
            VbsFault fault = assertThrows(VbsFault.class, () -> user.deleteVolume(volume));

            // then the caller gets an internal error naming only the request, and the volume is in error
            // (its deletion was rolled back; its storage is still there), not deleted
            assertFault(fault, "InternalError", "request");
            assertEquals("error", user.volume(volume).getStatus());
            assertRolledBack(volume, "delete-storage");
            assertTrue(Files.exists(file));
        } finally {
            chattr("-i", file);
        }
        // and deleting it again removes it and its file
        user.deleteVolumes(volume);
        pool.awaitAbsent(file);
    }

    // ------------------------------------------------------------------ the reconciler (before the restart)

    @Test
    @Order(Integer.MAX_VALUE - 1)
    public void reconcileStorageReportsARealOrphanFileAndTargetAndCleanRemovesThem() throws Exception {
        // given a file in the pool and a tgt target of it, of a volume VBS does not have (what a crash before
        // the metadata knew them, or an operator's hand, leaves), made an hour ago
        String orphan = "vol-0" + String.format("%016x", ThreadLocalRandom.current().nextLong());
        Path file = pool.volumeFile(orphan);
        try (RandomAccessFile sparse = new RandomAccessFile(file.toFile(), "rw")) {
            sparse.setLength(1 << 20);
        }
        Files.setLastModifiedTime(file, FileTime.from(Instant.now().minus(Duration.ofHours(1))));
        String iqn = "iqn.2026-11.org.vbs:" + orphan + ".0badf00d";
        String tid = "990";
        tgtd.tgtadm("--lld", "iscsi", "--mode", "target", "--op", "new", "--tid", tid, "--targetname", iqn);
        tgtd.tgtadm("--lld", "iscsi", "--mode", "logicalunit", "--op", "new", "--tid", tid, "--lun", "1",
                "--backing-store", file.toString(), "--bstype", "rdwr");
        tgtd.tgtadm("--lld", "iscsi", "--mode", "logicalunit", "--op", "update", "--tid", tid, "--lun", "1",
                "--params", "scsi_id=" + orphan + ",scsi_sn=" + orphan);

        // when an operator runs the reconciler with the server's policy (report, the default)
        JsonObject reported = json(vbsOk("reconcile-storage"));

        // then the report names both, and nothing was removed
        assertEquals("report", reported.getString("policy"));
        assertEquals(List.of(LOCAL + " orphan-volume-storage " + orphan + " reported",
                LOCAL + " orphan-target " + iqn + " reported"), findings(reported));
        assertTrue(Files.exists(file));
        assertTrue(tgtd.showTargets().contains(iqn), tgtd.showTargets());
        // and each finding is logged with its host and resource
        assertTrue(serverLog().stream().anyMatch(line -> line.contains("INFO") && line.contains("host " + LOCAL)
                && line.contains("orphan-target " + iqn)), server.logTail());

        // when it runs with the clean policy
        JsonObject cleaned = json(vbsOk("reconcile-storage", "--policy", "clean"));

        // then both are gone
        assertEquals(List.of(LOCAL + " orphan-volume-storage " + orphan + " cleaned",
                LOCAL + " orphan-target " + iqn + " cleaned"), findings(cleaned));
        assertFalse(Files.exists(file));
        assertEquals(List.of(), tgtd.targetIds(), tgtd.showTargets());
    }

    @Test
    @Order(Integer.MAX_VALUE - 1)
    public void reconcileStorageMarksAVolumeWhoseFileWasDeletedBehindVbssBackError() throws Exception {
        // given an available volume whose file someone deleted on the volume server
        String volume = newVolume();
        Files.delete(pool.volumeFile(volume));

        // when an operator runs the reconciler
        JsonObject report = json(vbsOk("reconcile-storage"));

        // then the volume is in error, and the report says so
        assertEquals(List.of(LOCAL + " missing-volume-storage " + volume + " marked-error"), findings(report));
        assertEquals("error", user.volume(volume).getStatus());
        // and it can be deleted
        user.deleteVolumes(volume);
    }

    // ------------------------------------------------------------------ the journal

    @Test
    @Order(Integer.MAX_VALUE)
    public void noFailureLeftAJournalRecordForTheNextStartToRecover() throws Exception {
        // given every failure above (this test runs last)
        // when the server restarts
        long logged = Files.size(server.consoleLog());
        server.stop();
        server.start();

        // then its recovery finds no interrupted operation
        assertEquals(0, server.awaitStartRecovery(logged, Duration.ofSeconds(60)));
        user = Callers.of(server.endpoint(), server.vbsHome()).devUser();
        assertEquals(List.of(), user.allVolumes(Map.of()).stream().map(v -> v.getVolumeId() + " " + v.getStatus())
                .toList());
    }

    // ------------------------------------------------------------------ helpers

    /** Runs {@code vbs --output json <arguments>} as this server's development user (an administrator). */
    private String vbsOk(String... arguments) throws Exception {
        List<String> argv = new ArrayList<>(List.of(ItConfig.cli().toString(), "--output", "json"));
        argv.addAll(List.of(arguments));
        Processes.Result result = Processes.run(argv, Map.of("VBS_HOME", server.vbsHome().toString(),
                "VBS_URL", server.endpoint().toString()), Duration.ofMinutes(3));
        assertEquals(0, result.exitCode(), result.describe() + "\nserver log:\n" + server.logTail());
        return result.stdout();
    }

    private static JsonObject json(String text) {
        try (JsonReader reader = Json.createReader(new StringReader(text))) {
            return reader.readObject();
        }
    }

    /** A reconcile-storage report's findings as "host kind resource outcome". */
    private static List<String> findings(JsonObject report) {
        return report.getJsonArray("findings").getValuesAs(JsonObject.class).stream()
                .map(f -> f.getString("hostName") + " " + f.getString("kind") + " " + f.getString("resourceId") + " "
                        + f.getString("outcome")).toList();
    }

    private String newVolume() throws Exception {
        String volume = user.createVolume(1).getVolumeId();
        user.awaitVolume(volume, "available");
        return volume;
    }

    private QemuVm startVm(String instanceId) throws IOException {
        QemuVm vm = QemuVm.start(qmpDir, instanceId);
        started.add(0, vm);
        return vm;
    }

    private VbsFault attachFault(String volume, String host, String instance, String device) {
        return assertThrows(VbsFault.class, () -> user.attachVolume(volume, host, instance, device));
    }

    private static void assertFault(VbsFault fault, String code, String... mentions) {
        String message = Faults.message(fault);
        assertEquals(code, Faults.code(fault), message);
        for (String mention : mentions) {
            assertTrue(message.contains(mention), "'" + mention + "' not in: " + message);
        }
        assertClean(message);
    }

    private static void assertClean(String message) {
        for (String internal : INTERNAL_TEXT) {
            assertFalse(message.contains(internal), "'" + internal + "' in what the client sees: " + message);
        }
    }

    /** Available, no attachment, and no target or vbs- account on the volume server's tgtd. */
    private void assertAvailableWithNothingLeft(String volume) throws Exception {
        var described = user.volume(volume);
        assertEquals("available", described.getStatus());
        assertTrue(described.getAttachmentSet() == null || described.getAttachmentSet().getItem().isEmpty(),
                "an attachment is left");
        assertEquals(List.of(), tgtd.targetIds(), tgtd.showTargets());
        assertFalse(tgtd.showAccounts().contains("vbs-"), tgtd.showAccounts());
    }

    /** No block node, secret object or device of the volume in the VM (all its names hold the volume id). */
    private static void assertNothingInVm(QemuVm vm, String volume) throws IOException {
        String state = vmState(vm);
        assertFalse(state.contains(volume), "left in " + vm.instanceId() + ": " + state);
    }

    private static String vmState(QemuVm vm) throws IOException {
        return vm.qmp("query-named-block-nodes", "{\"flat\": true}") + vm.qmp("query-block", null)
                + vm.qmp("qom-list", "{\"path\": \"/objects\"}") + vm.qmp("qom-list", "{\"path\": \"/machine/peripheral\"}");
    }

    /** The step runner logged that the operation on the resource failed at the step and was rolled back. */
    private void assertRolledBack(String resource, String step) throws IOException {
        List<String> lines = serverLog().stream()
                .filter(line -> line.contains(resource) && line.contains("rolled back")).toList();
        assertFalse(lines.isEmpty(), "no roll-back of " + resource + " logged");
        assertTrue(lines.stream().anyMatch(line -> line.contains("'" + step + "'")), lines.toString());
    }

    /** The step runner warned that the forced detach passed over the host, naming volume, instance and host. */
    private void assertPassedOverLogged(String volume, QemuVm vm, String host) throws IOException {
        assertTrue(serverLog().stream().anyMatch(line -> line.contains("WARN") && line.contains(volume)
                && line.contains("'detach-device'") && line.contains("passed over")
                && line.contains("instance " + vm.instanceId() + " on host " + host)), server.logTail());
    }

    private List<String> serverLog() throws IOException {
        return Files.readAllLines(server.vbsHome().resolve("server/log/server.log"), StandardCharsets.UTF_8);
    }

    private static void signal(String signal, QemuVm vm) throws Exception {
        Processes.Result result = Processes.run(List.of("kill", "-" + signal, String.valueOf(vm.pid())), Map.of(),
                Duration.ofSeconds(10));
        assertEquals(0, result.exitCode(), result.describe());
    }

    private static void chattr(String flag, Path path) throws Exception {
        Processes.Result result = Processes.run(List.of("chattr", flag, path.toString()), Map.of(),
                Duration.ofSeconds(10));
        assertEquals(0, result.exitCode(), result.describe());
    }

    private static void write(Path file, String... lines) throws IOException {
        Files.writeString(file, String.join("\n", lines) + "\n", StandardCharsets.UTF_8);
    }
}
