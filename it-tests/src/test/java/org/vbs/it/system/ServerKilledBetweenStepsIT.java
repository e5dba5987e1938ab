package org.vbs.it.system;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.vbs.it.client.AttachmentSetItemResponseType;
import org.vbs.it.client.DescribeSnapshotsSetItemResponseType;
import org.vbs.it.client.DescribeVolumesSetItemResponseType;
import org.vbs.it.client.VbsFault;
import org.vbs.it.support.Await;
import org.vbs.it.support.Caller;
import org.vbs.it.support.Callers;
import org.vbs.it.support.Faults;
import org.vbs.it.support.ItConfig;
import org.vbs.it.support.Pool;
import org.vbs.it.support.Resources;
import org.vbs.it.support.ServerProcess;
import org.vbs.it.support.StepFaults;
import org.vbs.it.support.StepFaults.Action;
import org.vbs.it.support.StepFaults.Point;
import org.vbs.it.support.VbsHomes;
import org.vbs.plugins.testkit.tools.QemuVm;
import org.vbs.plugins.testkit.tools.TgtdProcess;

/**
 * The server killed between the steps of its operations (a real JVM halt, from a Byteman rule in the
 * step runner, see {@link StepFaults}) and started again on the same VBS_HOME: every attach, detach,
 * snapshot, create-from-snapshot and delete ends in a state its caller could have reached without the
 * failure, and nothing is left behind: no tgt target or CHAP account, no QEMU block node, device or
 * secret object, no file in the pool beyond what the metadata names, no journal entry.
 *
 * <p>Each step boundary is hit once: right before each step (the steps before it done and journalled)
 * and, for each storage step, after its driver work returned but before the journal says so; and one
 * rollback (of an attach to an instance the host does not run) is stopped after undoing its export,
 * before the journal says so. One server
 * death interrupts many operations: each is parked at its own point, and the last one armed halts the
 * JVM, so the boots stay few (four).
 *
 * <p>The lab (a tgtd and the QEMU VM {@code demo-vm}) is this test's own and outlives the server, as a
 * volume server's tgtd and a hypervisor's VMs do in a real deployment. The run command's own lab would
 * not: it is a child of bin/vbs-server, which stops it whenever the server's JVM ends, a halt included,
 * so after such a restart every target and VM of before is gone, and only what recovery does after the
 * restart could be checked. The server is the run command's, without its lab ({@code VBS_LAB=0}), with
 * this machine registered (by the operator's own hosts file) as volume server and hypervisor host.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
public class ServerKilledBetweenStepsIT {
    private static final String HOST = "local";
    private static final String BAD_BUS = "bad-bus";
    private static final String VM = "demo-vm";
    /** How long a resource may take to settle after a restart (recovery runs on the server's executor). */
    private static final Duration SETTLE = Duration.ofSeconds(60);
    private static final Duration FIRE = Duration.ofSeconds(60);
    private static final Pattern RECOVERED = Pattern.compile("Recovery: (\\d+) interrupted operation\\(s\\)");
    private static final Pattern TARGET = Pattern.compile("Target \\d+: iqn\\.2026-11\\.org\\.vbs:(vol-[0-9a-f]{17})\\.");

    private final List<AutoCloseable> started = new ArrayList<>();
    private final ExecutorService calls = Executors.newCachedThreadPool();
    private TgtdProcess tgtd;
    private QemuVm vm;
    private StepFaults faults;
    private ServerProcess server;
    private Pool pool;
    private Caller user;

    // What the first test makes and the later ones check.
    private String keep;
    private String source;
    private String sourceSnapshot;
    private String rollbackCase;
    private final List<String> attachCases = new ArrayList<>();
    private final List<String> detachCases = new ArrayList<>();
    private final List<String> snapshotCases = new ArrayList<>();
    private final List<String> deleteCases = new ArrayList<>();
    private final List<String> restoreCases = new ArrayList<>();

    @BeforeAll
    public void startLabAndServer() throws Exception {
        Path work = ItConfig.workDir().resolve("server-killed");
        VbsHomes.deleteTree(work);
        Files.createDirectories(work);
        Path vbsHome = work.resolve("vbs-home");
        Path qmp = Files.createDirectories(work.resolve("qmp"));
        int offset = ItConfig.systemPortOffset();
        long t0 = System.nanoTime();
        tgtd = track(TgtdProcess.start(work, List.of(), "127.0.0.1", 3261 + offset));
        vm = track(QemuVm.start(qmp, VM));
        pool = Pool.of(vbsHome);
        // The operator's own file (no "Written by bin/vbs-server" line): the run script keeps it.
        Path hosts = Files.createDirectories(vbsHome.resolve("hosts"));
        Files.writeString(hosts.resolve(HOST + ".properties"), String.join("\n", "transport=local",
                "address=127.0.0.1", "volume.driver=file", "volume.pool=" + pool.root(), "export.driver=tgt",
                "export.portal=" + tgtd.portal(), "export.control=" + tgtd.controlNumber(), "hypervisor.driver=qemu",
                "hypervisor.qmpSocketDir=" + qmp, ""), StandardCharsets.UTF_8);
        // The same VM through a virtio-scsi controller id it does not have: QEMU takes the secret and
        // the block node (logged in to the export) and then refuses the device, so the attach rolls back
        // after its export.
        Files.writeString(hosts.resolve(BAD_BUS + ".properties"), String.join("\n", "transport=local",
                "address=127.0.0.1", "hypervisor.driver=qemu", "hypervisor.qmpSocketDir=" + qmp,
                "hypervisor.scsiController=nosuch", ""), StandardCharsets.UTF_8);
        faults = StepFaults.in(work.resolve("faults"));
        server = ServerProcess.withoutLab(vbsHome, offset, work).withJvmOptions(faults.jvmOptions());
        started.add(0, server::stop);
        boot("first boot");
        System.out.printf("lab (tgtd, %s): %d ms%n", VM, millis(t0, System.nanoTime()));
    }

    @AfterAll
    public void stopEverything() throws Exception {
        calls.shutdownNow();
        Resources.closeAll(started);
    }

    @Test
    @Order(1)
    public void attachDetachAndSnapshotKilledAtEveryStepBoundaryEndConsistentAfterTheRestart() throws Exception {
        // given a volume in use that no failure touches, a snapshot source, and volumes for every case
        long t0 = System.nanoTime();
        keep = createVolume();
        attach(keep, "sdb");
        source = createVolume();
        sourceSnapshot = user.createSnapshot(source, "source of restores").getSnapshotId();
        user.awaitSnapshotCompleted(sourceSnapshot);
        List<String> detachDevices = List.of("sdc", "sdd", "sde", "sdf", "sdg");
        for (String device : detachDevices) {
            String volume = createVolume();
            attach(volume, device);
            detachCases.add(volume);
        }
        for (int i = 0; i < 5; i++) {
            attachCases.add(createVolume());
        }
        rollbackCase = createVolume();
        for (int i = 0; i < 3; i++) {
            deleteCases.add(createVolume());
        }
        System.out.printf("setup (16 volumes, 6 attached, 1 snapshot): %d ms%n", millis(t0, System.nanoTime()));
        assertNothingLeaked();

        // when snapshots, attaches and detaches are each stopped at a step boundary of their own, and the
        // last one halts the server's JVM
        List<Future<?>> dying = new ArrayList<>();
        List<Point> snapshotPoints = List.of(Point.before("CREATE_SNAPSHOT", "copy"),
                Point.doneNotRecorded("CREATE_SNAPSHOT", "copy"), Point.before("CREATE_SNAPSHOT", "completed"));
        for (Point point : snapshotPoints) {
            snapshotCases.add(stopAt(point, () -> user.createSnapshot(source, "killed " + point).getSnapshotId()));
        }
        List<Point> attachPoints = List.of(Point.before("ATTACH_VOLUME", "export"),
                Point.doneNotRecorded("ATTACH_VOLUME", "export"), Point.before("ATTACH_VOLUME", "attach-device"),
                Point.doneNotRecorded("ATTACH_VOLUME", "attach-device"), Point.before("ATTACH_VOLUME", "in-use"));
        List<String> attachDevices = List.of("sdh", "sdi", "sdj", "sdk", "sdl");
        for (int i = 0; i < attachPoints.size(); i++) {
            String volume = attachCases.get(i);
            String device = attachDevices.get(i);
            dying.add(stopSynchronous(attachPoints.get(i), Action.PARK, volume,
                    () -> caller().attachVolume(volume, HOST, VM, device)));
        }
        // and an attach whose device QEMU refuses is stopped in its rollback, the export undone
        dying.add(stopSynchronous(Point.undoneNotRecorded("ATTACH_VOLUME", "export"), Action.PARK, rollbackCase,
                () -> caller().attachVolume(rollbackCase, BAD_BUS, VM, "sdm")));
        List<Point> detachPoints = List.of(Point.before("DETACH_VOLUME", "detach-device"),
                Point.doneNotRecorded("DETACH_VOLUME", "detach-device"), Point.before("DETACH_VOLUME", "unexport"),
                Point.doneNotRecorded("DETACH_VOLUME", "unexport"), Point.before("DETACH_VOLUME", "available"));
        for (int i = 0; i < detachPoints.size(); i++) {
            String volume = detachCases.get(i);
            Action action = i == detachPoints.size() - 1 ? Action.HALT : Action.PARK;
            dying.add(stopSynchronous(detachPoints.get(i), action, volume,
                    () -> caller().detachVolume(volume, Optional.empty(), Optional.empty(), false)));
        }
        assertAllFailed(dying);

        // then after a restart, recovery finds exactly those 14 operations in the journal
        assertEquals(14, boot("restart after 14 interrupted attach/detach/snapshot operations"));
        t0 = System.nanoTime();
        // and every attach was rolled back (the one rolling back already, on): available, no attachment
        for (String volume : attachCases) {
            awaitVolume(volume, "available", false);
        }
        awaitVolume(rollbackCase, "available", false);
        // and every detach was finished: available, no attachment
        for (String volume : detachCases) {
            awaitVolume(volume, "available", false);
        }
        // and every snapshot ended in error, saying why (never pending), its partial copy removed
        for (String snapshot : snapshotCases) {
            DescribeSnapshotsSetItemResponseType ended = awaitSnapshotEnded(snapshot);
            assertEquals("error", ended.getStatus(), snapshot);
            assertTrue(ended.getStatusMessage().contains("interrupted when the service node running it stopped"),
                    ended.getStatusMessage());
        }
        // and the volume nothing touched is still in use, its export and disk still there
        awaitVolume(keep, "in-use", true);
        System.out.printf("14 operations settled after the restart in %d ms%n", millis(t0, System.nanoTime()));
        assertNothingLeaked();
    }

    @Test
    @Order(2)
    public void createFromSnapshotAndDeleteKilledAtEveryStepBoundaryEndConsistentAfterTheRestart() throws Exception {
        // given the completed snapshot and the volumes to delete of the first test
        List<Future<?>> dying = new ArrayList<>();
        // when volumes made from the snapshot and deletions are each stopped at a step boundary, the last
        // deletion halting the JVM
        List<Point> restorePoints = List.of(Point.before("CREATE_VOLUME_FROM_SNAPSHOT", "copy"),
                Point.doneNotRecorded("CREATE_VOLUME_FROM_SNAPSHOT", "copy"),
                Point.before("CREATE_VOLUME_FROM_SNAPSHOT", "available"));
        for (Point point : restorePoints) {
            restoreCases.add(stopAt(point, () -> user.createVolumeFromSnapshot(sourceSnapshot).getVolumeId()));
        }
        List<Point> deletePoints = List.of(Point.before("DELETE_VOLUME", "delete-storage"),
                Point.doneNotRecorded("DELETE_VOLUME", "delete-storage"), Point.before("DELETE_VOLUME", "remove"));
        for (int i = 0; i < deletePoints.size(); i++) {
            String volume = deleteCases.get(i);
            Action action = i == deletePoints.size() - 1 ? Action.HALT : Action.PARK;
            dying.add(stopSynchronous(deletePoints.get(i), action, volume, () -> caller().deleteVolume(volume)));
        }
        assertAllFailed(dying);

        // then after a restart recovery finds those 6 operations
        assertEquals(6, boot("restart after 6 interrupted create-from-snapshot/delete operations"));
        long t0 = System.nanoTime();
        // and every copy was resumed to an available volume, and every deletion finished
        for (String volume : restoreCases) {
            awaitVolume(volume, "available", false);
        }
        for (String volume : deleteCases) {
            awaitGone(volume);
        }
        System.out.printf("6 operations settled after the restart in %d ms%n", millis(t0, System.nanoTime()));
        assertNothingLeaked();
    }

    @Test
    @Order(3)
    public void whatRecoveryLeftStillWorksAndAnotherRestartFindsAnEmptyJournal() throws Exception {
        // given the volumes and snapshots the first two tests' recoveries settled
        // when a rolled-back attach's volume, a finished detach's and a resumed copy's are attached and detached
        long t0 = System.nanoTime();
        for (String volume : List.of(attachCases.get(4), detachCases.get(4), restoreCases.get(1))) {
            attach(volume, "sdh");
            assertNothingLeaked();
            user.detachVolume(volume, Optional.empty(), Optional.empty(), false);
            awaitVolume(volume, "available", false);
        }
        // and the source volume is snapshotted again, and the snapshots in error are deleted
        String again = user.createSnapshot(source, "after the failures").getSnapshotId();
        user.awaitSnapshotCompleted(again);
        user.deleteSnapshots(snapshotCases.toArray(String[]::new));
        System.out.printf("attach/detach x3, snapshot, 3 deletions after recovery: %d ms%n",
                millis(t0, System.nanoTime()));
        assertNothingLeaked();

        // then a clean restart finds nothing to recover: the journal is empty
        server.stop();
        assertEquals(0, boot("clean restart"));
        assertNothingLeaked();
    }

    @Test
    @Order(4)
    public void aVolumeWhoseVmIsGoneIsDetachedWithoutForceAndItsExportRemoved() throws Exception {
        // given the volume in use since the first test (a disk of demo-vm, exported by tgtd)
        awaitVolume(keep, "in-use", true);
        // when the VM dies (as the run command's own lab VM does whenever its server stops) and the volume
        // is detached
        vm.kill();
        user.detachVolume(keep, Optional.empty(), Optional.empty(), false);

        // then the detach succeeds (a VM that is not running has nothing attached) and removes the export
        awaitVolume(keep, "available", false);
        assertEquals(Set.of(), targetVolumes(), tgtd.showTargets());
        assertEquals(0, chapAccounts(), tgtd.showAccounts());
    }

    // ------------------------------------------------------------------ stopping operations

    /** A request whose answer the test needs only to see fail (the server dies under it). */
    @FunctionalInterface
    private interface Request {
        void call() throws Exception;
    }

    /** A request that answers at once with the id of what it started. */
    @FunctionalInterface
    private interface Starting {
        String call() throws Exception;
    }

    /**
     * Arms the point to park, makes an asynchronous request (it answers before its operation reaches the
     * point) and waits until the point stopped that operation; returns the id of what it was making.
     */
    private String stopAt(Point point, Starting request) throws Exception {
        long t0 = System.nanoTime();
        long from = Files.size(server.consoleLog());
        faults.arm(point, Action.PARK);
        String started = request.call();
        assertEquals(started, StepFaults.awaitFired(server.consoleLog(), from, point, FIRE));
        System.out.printf("  %-45s PARK: %s after %d ms%n", point, started, millis(t0, System.nanoTime()));
        return started;
    }

    /**
     * Arms the point and makes a synchronous request about the volume on a thread of its own (it answers
     * only if the server survives); waits until the point fired (a parked one) or the JVM is gone (a halt).
     */
    private Future<?> stopSynchronous(Point point, Action action, String volume, Request request) throws Exception {
        long t0 = System.nanoTime();
        long from = Files.size(server.consoleLog());
        faults.arm(point, action);
        Future<?> answer = calls.submit(() -> {
            request.call();
            return null;
        });
        if (action == Action.PARK) {
            assertEquals(volume, StepFaults.awaitFired(server.consoleLog(), from, point, FIRE));
        } else {
            server.awaitHalted(FIRE);
            assertFalse(faults.armed(point, action), point + " was never reached");
        }
        System.out.printf("  %-45s %s: %s after %d ms%n", point, action, volume, millis(t0, System.nanoTime()));
        return answer;
    }

    /** Every synchronous request stopped in the server died with it: none answered. */
    private static void assertAllFailed(List<Future<?>> dying) throws InterruptedException {
        for (Future<?> answer : dying) {
            try {
                answer.get(2, TimeUnit.MINUTES);
                fail("a request answered although its operation was stopped and the server halted");
            } catch (ExecutionException expected) {
                // The connection broke (or timed out) under it.
            } catch (TimeoutException e) {
                fail("a request to the halted server did not end", e);
            }
        }
    }

    /** A fresh signed port: one per thread, as the ports are single-threaded. */
    private Caller caller() {
        return Callers.of(server.endpoint(), server.vbsHome()).devUser();
    }

    /** Starts the server, returns how many operations its recovery found in the journal. */
    private int boot(String what) throws Exception {
        long from = Files.exists(server.consoleLog()) ? Files.size(server.consoleLog()) : 0;
        long t0 = System.nanoTime();
        server.start();
        user = caller();
        byte[] all = Files.readAllBytes(server.consoleLog());
        String log = new String(all, (int) from, all.length - (int) from, StandardCharsets.UTF_8);
        Matcher recovered = RECOVERED.matcher(log);
        assertTrue(recovered.find(), "no recovery line in the log of the " + what + ":\n" + server.logTail());
        System.out.printf("%s: %d ms, recovery found %s operation(s)%n", what, millis(t0, System.nanoTime()),
                recovered.group(1));
        return Integer.parseInt(recovered.group(1));
    }

    // ------------------------------------------------------------------ the service's view

    private String createVolume() throws Exception {
        String volume = user.createVolume(1).getVolumeId();
        user.awaitVolume(volume, "available");
        return volume;
    }

    private void attach(String volume, String device) throws Exception {
        user.attachVolume(volume, HOST, VM, device);
        awaitVolume(volume, "in-use", true);
    }

    /** Waits until the volume is in the state, with an attachment to demo-vm or with none. */
    private void awaitVolume(String volume, String status, boolean attached) throws Exception {
        AtomicReference<String> seen = new AtomicReference<>("nothing yet");
        Await.until(volume + " to be " + status + (attached ? " and attached" : " without attachment"), SETTLE, () -> {
            DescribeVolumesSetItemResponseType described = user.volume(volume);
            List<AttachmentSetItemResponseType> attachments = attachments(described);
            seen.set(described.getStatus() + " " + attachments.size() + " attachment(s)");
            boolean matches = status.equals(described.getStatus()) && (attached
                    ? attachments.size() == 1 && VM.equals(attachments.get(0).getInstanceId())
                    : attachments.isEmpty());
            return matches ? Optional.of(described) : Optional.empty();
        }, seen::get);
    }

    private void awaitGone(String volume) throws Exception {
        AtomicReference<String> seen = new AtomicReference<>("nothing yet");
        Await.until(volume + " to be gone", SETTLE, () -> {
            try {
                seen.set(user.volume(volume).getStatus());
                return Optional.empty();
            } catch (VbsFault fault) {
                seen.set(Faults.code(fault));
                return Optional.of(fault).filter(f -> "InvalidVolume.NotFound".equals(Faults.code(f)));
            }
        }, seen::get);
        assertFalse(user.volumeIds().contains(volume));
    }

    private DescribeSnapshotsSetItemResponseType awaitSnapshotEnded(String snapshot) throws Exception {
        AtomicReference<String> seen = new AtomicReference<>("nothing yet");
        return Await.until(snapshot + " to end", SETTLE, () -> {
            DescribeSnapshotsSetItemResponseType described = user.snapshot(snapshot);
            seen.set(described.getStatus());
            return Optional.of(described).filter(s -> !"pending".equals(s.getStatus()));
        }, seen::get);
    }

    private static List<AttachmentSetItemResponseType> attachments(DescribeVolumesSetItemResponseType volume) {
        return volume.getAttachmentSet() == null ? List.of() : volume.getAttachmentSet().getItem();
    }

    // ------------------------------------------------------------------ nothing leaked

    /**
     * What the lab and the pool hold is exactly what the metadata says: a target, a CHAP account, a block
     * node, a disk and a secret object for each volume in use and nothing more; a file for each volume and
     * each completed snapshot and nothing more (no partial copy). No volume or snapshot is left mid-way.
     */
    private void assertNothingLeaked() throws Exception {
        List<DescribeVolumesSetItemResponseType> volumes = user.allVolumes(Map.of());
        Set<String> inUse = new TreeSet<>();
        Set<String> files = new TreeSet<>();
        for (DescribeVolumesSetItemResponseType volume : volumes) {
            assertTrue(Set.of("available", "in-use").contains(volume.getStatus()),
                    volume.getVolumeId() + " is " + volume.getStatus());
            assertEquals("in-use".equals(volume.getStatus()), !attachments(volume).isEmpty(), volume.getVolumeId());
            if ("in-use".equals(volume.getStatus())) {
                inUse.add(volume.getVolumeId());
            }
            files.add("volumes/" + volume.getVolumeId() + ".img");
        }
        for (String snapshotId : user.snapshotIds()) {
            String status = user.snapshot(snapshotId).getStatus();
            assertTrue(Set.of("completed", "error").contains(status), snapshotId + " is " + status);
            if ("completed".equals(status)) {
                files.add("snapshots/" + snapshotId + ".img");
            }
        }
        assertEquals(inUse, targetVolumes(), tgtd.showTargets());
        assertEquals(inUse.size(), chapAccounts(), tgtd.showAccounts());
        assertEquals(inUse, volumesNamed(vm.qmp("query-named-block-nodes", null), "vbsn-"), "block nodes");
        assertEquals(inUse, volumesNamed(vm.qmp("query-block", null), "vbsd-"), "disks");
        assertEquals(inUse, volumesNamed(vm.qmp("qom-list", "{\"path\": \"/objects\"}"), "vbss-"), "secrets");
        assertEquals(files, pool.state().files().keySet(), "the pool's files");
    }

    private Set<String> targetVolumes() throws Exception {
        Set<String> volumes = new TreeSet<>();
        Matcher target = TARGET.matcher(tgtd.showTargets());
        while (target.find()) {
            volumes.add(target.group(1));
        }
        return volumes;
    }

    private long chapAccounts() throws Exception {
        return tgtd.showAccounts().lines().map(String::trim).filter(line -> line.startsWith("vbs-")).count();
    }

    /** The volume ids in names {@code <prefix><volume id>} (the QEMU driver's node, disk and secret names). */
    private static Set<String> volumesNamed(String qmpAnswer, String prefix) {
        return Pattern.compile(Pattern.quote(prefix) + "(vol-[0-9a-f]{17})").matcher(qmpAnswer).results()
                .map(m -> m.group(1)).collect(Collectors.toCollection(TreeSet::new));
    }

    private <T extends AutoCloseable> T track(T resource) {
        started.add(0, resource);
        return resource;
    }

    private static long millis(long from, long to) {
        return (to - from) / 1_000_000;
    }
}
