package org.vbs.it.system;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.vbs.it.support.LoopbackCluster.served;

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
 * The kill matrix: a service JVM halted (a real JVM halt, from a Byteman rule in the step runner, see
 * {@link StepFaults}) between the steps of its operations, and what must hold once the service has
 * recovered, however it recovers (a restart, or the surviving nodes of a cluster): every attach, detach,
 * snapshot, create-from-snapshot and delete ends in a state its caller could have reached without the
 * failure, and nothing is left behind: no tgt target or CHAP account, no QEMU block node, device or
 * secret object, no file in the pool beyond what the metadata names, no volume made twice.
 *
 * <p>Each step boundary is hit once: right before each step (the steps before it done and journalled)
 * and, for each storage step, after its driver work returned but before the journal says so; and one
 * rollback (of an attach to an instance the host does not run) is stopped after undoing its export,
 * before the journal says so. One death interrupts many operations: each is parked at its own point,
 * and the last one armed halts the JVM, so the deaths stay two.
 *
 * <p>The lab (a tgtd and the QEMU VM {@code demo-vm}) and the volume pool are this test's own and
 * outlive the service, as a volume server's tgtd and a hypervisor's VMs do in a real deployment; every
 * node registers them by the operator's own hosts files ({@link #hostFiles}). The run command's own lab
 * would not: it is a child of bin/vbs-server and stops whenever the server's JVM ends.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
abstract class KilledBetweenSteps {
    static final String HOST = "local";
    static final String VM = "demo-vm";
    private static final String BAD_BUS = "bad-bus";
    /** The bound for every interrupted operation to end once the service has recovered. */
    static final Duration SETTLE = Duration.ofSeconds(60);
    private static final Duration FIRE = Duration.ofSeconds(60);
    private static final Pattern TARGET = Pattern.compile("Target \\d+: iqn\\.2026-11\\.org\\.vbs:(vol-[0-9a-f]{17})\\.");

    final List<AutoCloseable> started = new ArrayList<>();
    private final ExecutorService calls = Executors.newCachedThreadPool();
    private TgtdProcess tgtd;
    QemuVm vm;
    StepFaults faults;
    Pool pool;

    // What the first test makes and the later ones check.
    String keep;
    String source;
    private String sourceSnapshot;
    private String rollbackCase;
    final List<String> attachCases = new ArrayList<>();
    final List<String> detachCases = new ArrayList<>();
    final List<String> snapshotCases = new ArrayList<>();
    private final List<String> deleteCases = new ArrayList<>();
    final List<String> restoreCases = new ArrayList<>();

    /** The test's directory under the IT work directory. */
    abstract String workName();

    /**
     * Starts the service: every node with the hosts files, the node that runs the operations (and dies)
     * with the faults' JVM options.
     */
    abstract void startService(Path work, Map<String, String> hostFiles) throws Exception;

    /** The node the operations are asked of, and which dies. */
    abstract ServerProcess dying();

    /** A caller, as the development user, through a node that serves (after the death: a survivor or the restarted node). */
    abstract Caller user() throws Exception;

    /**
     * Whatever recovers the service after the death of {@link #dying()} at {@code haltedAt} (nanoTime)
     * with {@code interrupted} operations parked or halted in it.
     *
     * @return the nanoTime from which the interrupted operations have {@link #SETTLE} to end
     */
    abstract long recover(String what, int interrupted, long haltedAt) throws Exception;

    /** Before the second round: the node that dies next, and its faults, ready. */
    abstract void beforeSecondRound() throws Exception;

    /** The volume pool: the file backend's directory of {@code home}, which every node uses. */
    abstract Path poolHome(Path work);

    @BeforeAll
    public void startLabAndService() throws Exception {
        Path work = ItConfig.workDir().resolve(workName());
        VbsHomes.deleteTree(work);
        Files.createDirectories(work);
        Path qmp = Files.createDirectories(work.resolve("qmp"));
        long t0 = System.nanoTime();
        tgtd = track(TgtdProcess.start(work, List.of(), "127.0.0.1", 3261 + ItConfig.systemPortOffset()));
        vm = track(QemuVm.start(qmp, VM));
        pool = Pool.of(poolHome(work));
        faults = StepFaults.in(work.resolve("faults"));
        startService(work, hostFiles(qmp));
        System.out.printf("lab (tgtd, %s) and service: %d ms%n", VM, millis(t0, System.nanoTime()));
    }

    /**
     * The operator's own files (no "Written by bin/vbs-server" line: the run script keeps them): this
     * machine as volume server and hypervisor host, and the same VM through a virtio-scsi controller id
     * it does not have: QEMU takes the secret and the block node (logged in to the export) and then
     * refuses the device, so the attach rolls back after its export.
     */
    private Map<String, String> hostFiles(Path qmp) {
        return Map.of(HOST, String.join("\n", "transport=local", "address=127.0.0.1", "volume.driver=file",
                        "volume.pool=" + pool.root(), "export.driver=tgt", "export.portal=" + tgtd.portal(),
                        "export.control=" + tgtd.controlNumber(), "hypervisor.driver=qemu",
                        "hypervisor.qmpSocketDir=" + qmp, ""),
                BAD_BUS, String.join("\n", "transport=local", "address=127.0.0.1", "hypervisor.driver=qemu",
                        "hypervisor.qmpSocketDir=" + qmp, "hypervisor.scsiController=nosuch", ""));
    }

    @AfterAll
    public void stopEverything() throws Exception {
        calls.shutdownNow();
        Resources.closeAll(started);
    }

    @Test
    @Order(1)
    public void attachDetachAndSnapshotKilledAtEveryStepBoundaryEndConsistent() throws Exception {
        // given a volume in use that no failure touches, a snapshot source, and volumes for every case
        long t0 = System.nanoTime();
        for (List<String> cases : List.of(attachCases, detachCases, snapshotCases, deleteCases, restoreCases)) {
            cases.clear();
        }
        Caller user = user();
        keep = createVolume(user);
        attach(user, keep, "sdb");
        source = createVolume(user);
        sourceSnapshot = user.createSnapshot(source, "source of restores").getSnapshotId();
        user.awaitSnapshotCompleted(sourceSnapshot);
        List<String> detachDevices = List.of("sdc", "sdd", "sde", "sdf", "sdg");
        for (String device : detachDevices) {
            String volume = createVolume(user);
            attach(user, volume, device);
            detachCases.add(volume);
        }
        for (int i = 0; i < 5; i++) {
            attachCases.add(createVolume(user));
        }
        rollbackCase = createVolume(user);
        for (int i = 0; i < 3; i++) {
            deleteCases.add(createVolume(user));
        }
        System.out.printf("setup (16 volumes, 6 attached, 1 snapshot): %d ms%n", millis(t0, System.nanoTime()));
        assertNothingLeaked();

        // when snapshots, attaches and detaches are each stopped at a step boundary of their own, and the
        // last one halts the JVM
        Caller dyingUser = callerOf(dying());
        List<Future<?>> dying = new ArrayList<>();
        List<Point> snapshotPoints = List.of(Point.before("CREATE_SNAPSHOT", "copy"),
                Point.doneNotRecorded("CREATE_SNAPSHOT", "copy"), Point.before("CREATE_SNAPSHOT", "completed"));
        for (Point point : snapshotPoints) {
            snapshotCases.add(stopAt(point, () -> dyingUser.createSnapshot(source, "killed " + point).getSnapshotId()));
        }
        List<Point> attachPoints = List.of(Point.before("ATTACH_VOLUME", "export"),
                Point.doneNotRecorded("ATTACH_VOLUME", "export"), Point.before("ATTACH_VOLUME", "attach-device"),
                Point.doneNotRecorded("ATTACH_VOLUME", "attach-device"), Point.before("ATTACH_VOLUME", "in-use"));
        List<String> attachDevices = List.of("sdh", "sdi", "sdj", "sdk", "sdl");
        for (int i = 0; i < attachPoints.size(); i++) {
            String volume = attachCases.get(i);
            String device = attachDevices.get(i);
            dying.add(stopSynchronous(attachPoints.get(i), Action.PARK, volume,
                    () -> callerOf(dying()).attachVolume(volume, HOST, VM, device)));
        }
        // and an attach whose device QEMU refuses is stopped in its rollback, the export undone
        dying.add(stopSynchronous(Point.undoneNotRecorded("ATTACH_VOLUME", "export"), Action.PARK, rollbackCase,
                () -> callerOf(dying()).attachVolume(rollbackCase, BAD_BUS, VM, "sdm")));
        List<Point> detachPoints = List.of(Point.before("DETACH_VOLUME", "detach-device"),
                Point.doneNotRecorded("DETACH_VOLUME", "detach-device"), Point.before("DETACH_VOLUME", "unexport"),
                Point.doneNotRecorded("DETACH_VOLUME", "unexport"), Point.before("DETACH_VOLUME", "available"));
        for (int i = 0; i < detachPoints.size(); i++) {
            String volume = detachCases.get(i);
            Action action = i == detachPoints.size() - 1 ? Action.HALT : Action.PARK;
            dying.add(stopSynchronous(detachPoints.get(i), action, volume,
                    () -> callerOf(dying()).detachVolume(volume, Optional.empty(), Optional.empty(), false)));
        }
        long haltedAt = System.nanoTime();
        assertAllFailed(dying);

        // then once the service has recovered from the death of the node running those 14 operations
        long deadline = recover("the death after 14 attach/detach/snapshot operations", 14, haltedAt)
                + SETTLE.toNanos();
        user = user();
        // every attach was rolled back (the one rolling back already, on): available, no attachment
        for (String volume : attachCases) {
            awaitVolume(user, volume, "available", false, deadline);
        }
        awaitVolume(user, rollbackCase, "available", false, deadline);
        // and every detach was finished: available, no attachment
        for (String volume : detachCases) {
            awaitVolume(user, volume, "available", false, deadline);
        }
        // and every snapshot ended in error, saying why (never pending), its partial copy removed
        for (String snapshot : snapshotCases) {
            DescribeSnapshotsSetItemResponseType ended = awaitSnapshotEnded(user, snapshot, deadline);
            assertEquals("error", ended.getStatus(), snapshot);
            assertTrue(ended.getStatusMessage().contains("interrupted when the service node running it stopped"),
                    ended.getStatusMessage());
        }
        // and the volume nothing touched is still in use, its export and disk still there
        awaitVolume(user, keep, "in-use", true, deadline);
        System.out.printf("14 operations settled %d ms after the halt%n", millis(haltedAt, System.nanoTime()));
        assertNothingLeaked();
    }

    @Test
    @Order(2)
    public void createFromSnapshotAndDeleteKilledAtEveryStepBoundaryEndConsistent() throws Exception {
        // given the completed snapshot and the volumes to delete of the first test, and a node to die
        beforeSecondRound();
        Set<String> volumesBefore = user().volumeIds();
        Caller dyingUser = callerOf(dying());
        List<Future<?>> dying = new ArrayList<>();
        // when volumes made from the snapshot and deletions are each stopped at a step boundary, the last
        // deletion halting the JVM
        List<Point> restorePoints = List.of(Point.before("CREATE_VOLUME_FROM_SNAPSHOT", "copy"),
                Point.doneNotRecorded("CREATE_VOLUME_FROM_SNAPSHOT", "copy"),
                Point.before("CREATE_VOLUME_FROM_SNAPSHOT", "available"));
        for (Point point : restorePoints) {
            restoreCases.add(stopAt(point, () -> dyingUser.createVolumeFromSnapshot(sourceSnapshot).getVolumeId()));
        }
        List<Point> deletePoints = List.of(Point.before("DELETE_VOLUME", "delete-storage"),
                Point.doneNotRecorded("DELETE_VOLUME", "delete-storage"), Point.before("DELETE_VOLUME", "remove"));
        for (int i = 0; i < deletePoints.size(); i++) {
            String volume = deleteCases.get(i);
            Action action = i == deletePoints.size() - 1 ? Action.HALT : Action.PARK;
            dying.add(stopSynchronous(deletePoints.get(i), action, volume, () -> callerOf(dying()).deleteVolume(volume)));
        }
        long haltedAt = System.nanoTime();
        assertAllFailed(dying);

        // then once the service has recovered from the death of the node running those 6 operations
        long deadline = recover("the death after 6 create-from-snapshot/delete operations", 6, haltedAt)
                + SETTLE.toNanos();
        Caller user = user();
        // every copy was resumed to an available volume, and every deletion finished
        for (String volume : restoreCases) {
            awaitVolume(user, volume, "available", false, deadline);
        }
        for (String volume : deleteCases) {
            awaitGone(user, volume, deadline);
        }
        System.out.printf("6 operations settled %d ms after the halt%n", millis(haltedAt, System.nanoTime()));
        // and exactly the volumes asked for exist: none made twice, none deleted that was not asked
        Set<String> expected = new TreeSet<>(volumesBefore);
        expected.addAll(restoreCases);
        expected.removeAll(deleteCases);
        assertEquals(expected, user.volumeIds());
        assertNothingLeaked();
    }

    // ------------------------------------------------------------------ stopping operations

    /** A request whose answer the test needs only to see fail (the node dies under it). */
    @FunctionalInterface
    interface Request {
        void call() throws Exception;
    }

    /** A request that answers at once with the id of what it started. */
    @FunctionalInterface
    interface Starting {
        String call() throws Exception;
    }

    /**
     * Arms the point to park, makes an asynchronous request (it answers before its operation reaches the
     * point) and waits until the point stopped that operation; returns the id of what it was making.
     */
    private String stopAt(Point point, Starting request) throws Exception {
        long t0 = System.nanoTime();
        long from = Files.size(dying().consoleLog());
        faults.arm(point, Action.PARK);
        String started = request.call();
        assertEquals(started, StepFaults.awaitFired(dying().consoleLog(), from, point, FIRE));
        System.out.printf("  %-45s PARK: %s after %d ms%n", point, started, millis(t0, System.nanoTime()));
        return started;
    }

    /**
     * Arms the point and makes a synchronous request about the volume on a thread of its own (it answers
     * only if the node survives); waits until the point fired (a parked one) or the JVM is gone (a halt).
     */
    private Future<?> stopSynchronous(Point point, Action action, String volume, Request request) throws Exception {
        long t0 = System.nanoTime();
        long from = Files.size(dying().consoleLog());
        faults.arm(point, action);
        Future<?> answer = calls.submit(() -> {
            request.call();
            return null;
        });
        if (action == Action.PARK) {
            assertEquals(volume, StepFaults.awaitFired(dying().consoleLog(), from, point, FIRE));
        } else {
            dying().awaitHalted(FIRE);
            assertFalse(faults.armed(point, action), point + " was never reached");
        }
        System.out.printf("  %-45s %s: %s after %d ms%n", point, action, volume, millis(t0, System.nanoTime()));
        return answer;
    }

    /** Every synchronous request stopped in the node died with it: none answered. */
    private static void assertAllFailed(List<Future<?>> dying) throws InterruptedException {
        for (Future<?> answer : dying) {
            try {
                answer.get(2, TimeUnit.MINUTES);
                fail("a request answered although its operation was stopped and the node halted");
            } catch (ExecutionException expected) {
                // The connection broke (or timed out) under it.
            } catch (TimeoutException e) {
                fail("a request to the halted node did not end", e);
            }
        }
    }

    /** A fresh signed port: one per thread, as the ports are single-threaded. */
    static Caller callerOf(ServerProcess node) {
        return Callers.of(node.endpoint(), node.vbsHome()).devUser();
    }

    // ------------------------------------------------------------------ the service's view

    static String createVolume(Caller user) throws Exception {
        String volume = user.createVolume(1).getVolumeId();
        user.awaitVolume(volume, "available");
        return volume;
    }

    static void attach(Caller user, String volume, String device) throws Exception {
        user.attachVolume(volume, HOST, VM, device);
        awaitVolume(user, volume, "in-use", true, System.nanoTime() + SETTLE.toNanos());
    }

    /** Waits until the volume is in the state, with an attachment to demo-vm or with none. */
    static void awaitVolume(Caller user, String volume, String status, boolean attached, long deadline)
            throws Exception {
        AtomicReference<String> seen = new AtomicReference<>("nothing yet");
        Await.until(volume + " to be " + status + (attached ? " and attached" : " without attachment"),
                left(deadline), () -> served(seen, () -> user.volume(volume)).filter(described -> {
                    List<AttachmentSetItemResponseType> attachments = attachments(described);
                    seen.set(described.getStatus() + " " + attachments.size() + " attachment(s)");
                    return status.equals(described.getStatus()) && (attached
                            ? attachments.size() == 1 && VM.equals(attachments.get(0).getInstanceId())
                            : attachments.isEmpty());
                }), seen::get);
    }

    private static void awaitGone(Caller user, String volume, long deadline) throws Exception {
        AtomicReference<String> seen = new AtomicReference<>("nothing yet");
        Await.until(volume + " to be gone", left(deadline), () -> {
            try {
                served(seen, () -> user.volume(volume)).ifPresent(described -> seen.set(described.getStatus()));
                return Optional.empty();
            } catch (VbsFault fault) {
                seen.set(Faults.code(fault));
                return Optional.of(fault).filter(f -> "InvalidVolume.NotFound".equals(Faults.code(f)));
            }
        }, seen::get);
        assertFalse(user.volumeIds().contains(volume));
    }

    private static DescribeSnapshotsSetItemResponseType awaitSnapshotEnded(Caller user, String snapshot,
                                                                           long deadline) throws Exception {
        AtomicReference<String> seen = new AtomicReference<>("nothing yet");
        return Await.until(snapshot + " to end", left(deadline), () -> served(seen, () -> user.snapshot(snapshot))
                .filter(described -> {
                    seen.set(described.getStatus());
                    return !"pending".equals(described.getStatus());
                }), seen::get);
    }

    private static Duration left(long deadline) {
        return Duration.ofNanos(Math.max(0, deadline - System.nanoTime()));
    }

    static List<AttachmentSetItemResponseType> attachments(DescribeVolumesSetItemResponseType volume) {
        return volume.getAttachmentSet() == null ? List.of() : volume.getAttachmentSet().getItem();
    }

    // ------------------------------------------------------------------ nothing leaked

    /**
     * What the lab and the pool hold is exactly what the metadata says: a target, a CHAP account, a block
     * node, a disk and a secret object for each volume in use and nothing more; a file for each volume and
     * each completed snapshot and nothing more (no partial copy). No volume or snapshot is left mid-way.
     */
    void assertNothingLeaked() throws Exception {
        Caller user = user();
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

    Set<String> targetVolumes() throws Exception {
        Set<String> volumes = new TreeSet<>();
        Matcher target = TARGET.matcher(tgtd.showTargets());
        while (target.find()) {
            volumes.add(target.group(1));
        }
        return volumes;
    }

    long chapAccounts() throws Exception {
        return tgtd.showAccounts().lines().map(String::trim).filter(line -> line.startsWith("vbs-")).count();
    }

    TgtdProcess tgtd() {
        return tgtd;
    }

    /** The volume ids in names {@code <prefix><volume id>} (the QEMU driver's node, disk and secret names). */
    private static Set<String> volumesNamed(String qmpAnswer, String prefix) {
        return Pattern.compile(Pattern.quote(prefix) + "(vol-[0-9a-f]{17})").matcher(qmpAnswer).results()
                .map(m -> m.group(1)).collect(Collectors.toCollection(TreeSet::new));
    }

    <T extends AutoCloseable> T track(T resource) {
        started.add(0, resource);
        return resource;
    }

    static long millis(long from, long to) {
        return (to - from) / 1_000_000;
    }
}
