package org.vbs.plugins.vmm.qemu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vbs.plugins.spi.DriverException;
import org.vbs.plugins.spi.hypervisor.AttachedDevice;
import org.vbs.plugins.spi.hypervisor.HypervisorDriver;
import org.vbs.plugins.testkit.HypervisorDriverContract;
import org.vbs.plugins.testkit.HypervisorTestTarget;
import org.vbs.plugins.testkit.tools.CommandLines;
import org.vbs.plugins.testkit.tools.QemuVm;
import org.vbs.plugins.testkit.tools.TgtTargets;
import org.vbs.plugins.testkit.tools.TgtdProcess;

/**
 * The QEMU driver against real QEMU instances (KVM or TCG, no guest OS) and a real tgtd on loopback,
 * through the real local shell and socat: the compliance suite, plus data through the guest's drive,
 * the CHAP secret kept out of every command line, a killed instance and QMP's error paths.
 */
class QemuHypervisorDriverTest extends HypervisorDriverContract {
    private static final String INITIATOR = TgtTargets.newInitiatorIqn();

    @TempDir
    static Path work;

    private static TgtdProcess tgtd;
    private static TgtTargets targets;

    private QemuFixture qemu;

    @BeforeAll
    static void startTarget() throws IOException {
        tgtd = TgtdProcess.startOnLoopback(work);
        targets = new TgtTargets(tgtd, work.resolve("luns"));
    }

    @AfterAll
    static void stopTarget() throws IOException {
        if (tgtd != null) {
            tgtd.close();
        }
    }

    @AfterEach
    void stopInstances() throws IOException {
        if (qemu != null) {
            qemu.close();
        }
    }

    @Override
    protected HypervisorDriver newDriver() throws Exception {
        qemu = new QemuFixture(work.resolve("qmp-" + System.nanoTime()));
        return qemu.driver(Map.of());
    }

    @Override
    protected String startInstance() throws Exception {
        return qemu.start().instanceId();
    }

    @Override
    protected HypervisorTestTarget newTarget() throws Exception {
        return targets.export(INITIATOR);
    }

    @Override
    protected Set<String> instanceObjects(String instanceId) throws Exception {
        return QemuFixture.objects(qemu.vm(instanceId));
    }

    // ---------------------------------------------------------------- data end to end

    @Test
    void shouldWriteThroughTheGuestsDriveIntoTheTargetsFile() throws Exception {
        QemuVm vm = qemu.start();
        HypervisorTestTarget target = newTarget();
        driver().attach(request(vm.instanceId(), "sdb", target, target.chap()));
        String device = VbsNames.of(target.volumeId(), "sdb").deviceId();

        String output = qemuIo(vm, device, "write -P 0x5a 0 1M", "wrote 1048576/1048576 bytes at offset 0");

        assertFalse(output.contains("error"), output);
        byte[] written = read(targets.fileOf(target.volumeId()), 0, 1 << 20);
        byte[] expected = new byte[1 << 20];
        Arrays.fill(expected, (byte) 0x5a);
        assertTrue(Arrays.equals(expected, written), "the file holds 0x5a over the first MiB");
        assertEquals(0, read(targets.fileOf(target.volumeId()), 1 << 20, 1)[0], "and nothing past it");
    }

    @Test
    void shouldReadWhatTheTargetsFileHoldsThroughTheGuestsDrive() throws Exception {
        QemuVm vm = qemu.start();
        HypervisorTestTarget target = newTarget();
        byte[] pattern = new byte[1 << 20];
        Arrays.fill(pattern, (byte) 0xa5);
        try (FileChannel file = FileChannel.open(targets.fileOf(target.volumeId()), StandardOpenOption.WRITE)) {
            file.write(ByteBuffer.wrap(pattern), 2L << 20);
        }
        driver().attach(request(vm.instanceId(), "sdb", target, target.chap()));
        String device = VbsNames.of(target.volumeId(), "sdb").deviceId();
        String done = "read 1048576/1048576 bytes at offset 2097152";

        String right = qemuIo(vm, device, "read -P 0xa5 2M 1M", done);
        String wrong = qemuIo(vm, device, "read -P 0x11 2M 1M", done);

        assertFalse(right.contains("Pattern verification failed"), right);
        // The check can fail: another pattern is refused on the same bytes.
        assertTrue(wrong.contains("Pattern verification failed at offset 2097152"), wrong);
    }

    // ---------------------------------------------------------------- secrets

    @Test
    void shouldKeepTheChapSecretOutOfEveryCommandLineDuringAndAfterTheAttach() throws Exception {
        QemuVm vm = qemu.start();
        HypervisorTestTarget target = newTarget();
        byte[] secret = target.chapSecret().getBytes(StandardCharsets.UTF_8);
        AtomicBoolean attaching = new AtomicBoolean(true);
        AtomicInteger scans = new AtomicInteger();
        CompletableFuture<List<String>> seen = CompletableFuture.supplyAsync(() -> {
            List<String> holders = new ArrayList<>();
            do {
                holders.addAll(CommandLines.holding(secret));
                scans.incrementAndGet();
            } while (attaching.get());
            return holders;
        });

        try {
            for (int i = 0; i < 5; i++) { // several attaches, so the scans overlap the driver's socat runs
                driver().attach(request(vm.instanceId(), "sdb", target, target.chap()));
                driver().detach(vm.instanceId(), target.volumeId());
            }
            driver().attach(request(vm.instanceId(), "sdb", target, target.chap()));
        } finally {
            attaching.set(false);
        }

        assertEquals(List.of(), seen.get(60, TimeUnit.SECONDS));
        assertTrue(scans.get() > 0);
        assertEquals(List.of(), CommandLines.holding(secret), "after the attach");
        assertFalse(vm.log().contains(target.chapSecret()), "QEMU's output");
        assertFalse(vm.qmp("query-named-block-nodes", "{\"flat\": true}").contains(target.chapSecret()),
                "the block node's description names the secret object, not the secret");
    }

    @Test
    void shouldRemoveTheSecretObjectWhenQemuRefusesTheLogin() throws Exception {
        QemuVm vm = qemu.start();
        HypervisorTestTarget target = newTarget();

        DriverException e = assertDriverException(DriverException.Code.IO_ERROR,
                () -> driver().attach(request(vm.instanceId(), "sdb", target, target.wrongChap())));

        assertMentions(e, "blockdev-add", "Authentication failure", target.volumeId(), vm.instanceId());
        assertHidesSecrets(e, target.chapSecret(), target.wrongSecret());
        Set<String> objects = QemuFixture.objects(vm);
        assertFalse(objects.contains("object:" + VbsNames.secretId(target.volumeId())), objects.toString());
        assertFalse(objects.contains("node:" + VbsNames.nodeName(target.volumeId())), objects.toString());
    }

    @Test
    void shouldRemoveTheBlockNodeAndTheSecretWhenTheDeviceCannotBePlugged() throws Exception {
        HypervisorDriver noSuchBus = qemu.driver(Map.of(QemuSettings.SCSI_CONTROLLER, "nosuch"));
        QemuVm vm = qemu.start();
        HypervisorTestTarget target = newTarget();
        Set<String> before = QemuFixture.objects(vm);

        DriverException e = assertDriverException(DriverException.Code.IO_ERROR,
                () -> noSuchBus.attach(request(vm.instanceId(), "sdb", target, target.chap())));

        assertMentions(e, "device_add", "nosuch.0", target.volumeId(), vm.instanceId());
        assertEquals(before, QemuFixture.objects(vm));
        assertEquals(List.of(), driver().devices(vm.instanceId()));
    }

    @Test
    void shouldClearWhatAnAttachThatDiedHalfWayLeftAndAttach() throws Exception {
        QemuVm vm = qemu.start();
        HypervisorTestTarget target = newTarget();
        Set<String> before = QemuFixture.objects(vm);
        // What a service node that crashed between blockdev-add and device_add leaves in the VM.
        assertOk(vm.qmp("object-add", "{\"qom-type\": \"secret\", \"id\": \"" + VbsNames.secretId(target.volumeId())
                + "\", \"data\": \"stale-secret\"}"));
        assertOk(vm.qmp("blockdev-add", "{\"driver\": \"null-co\", \"node-name\": \""
                + VbsNames.nodeName(target.volumeId()) + "\"}"));

        AttachedDevice attached = driver().attach(request(vm.instanceId(), "sdb", target, target.chap()));

        assertEquals(List.of(attached), driver().devices(vm.instanceId()));
        driver().detach(vm.instanceId(), target.volumeId());
        assertEquals(before, QemuFixture.objects(vm));
    }

    @Test
    void shouldFailADetachTheGuestDoesNotCompleteAndLeaveTheDiskInPlace() throws Exception {
        HypervisorDriver impatient = qemu.driver(Map.of(QemuSettings.UNPLUG_TIMEOUT_MILLIS, "300"));
        QemuVm vm = qemu.start();
        String volumeId = newVolumeId();
        String device = VbsNames.of(volumeId, "vdb").deviceId();
        // A virtio-blk-pci disk is only released by a guest that acknowledges the unplug; there is no guest.
        assertOk(vm.qmp("blockdev-add", "{\"driver\": \"null-co\", \"node-name\": \"" + VbsNames.nodeName(volumeId)
                + "\"}"));
        assertOk(vm.qmp("device_add", "{\"driver\": \"virtio-blk-pci\", \"id\": \"" + device
                + "\", \"bus\": \"rp2\", \"drive\": \"" + VbsNames.nodeName(volumeId) + "\"}"));
        Set<String> before = QemuFixture.objects(vm);

        DriverException first = assertDriverException(DriverException.Code.IO_ERROR,
                () -> impatient.detach(vm.instanceId(), volumeId));
        DriverException again = assertDriverException(DriverException.Code.IO_ERROR,
                () -> impatient.detach(vm.instanceId(), volumeId));

        assertMentions(first, volumeId, vm.instanceId(), "did not release device " + device, "300 ms");
        assertMentions(again, "did not release device " + device);
        assertEquals(List.of(new AttachedDevice(vm.instanceId(), "vdb", volumeId)), impatient.devices(vm.instanceId()));
        assertEquals(before, QemuFixture.objects(vm), "the node stays under the device still in use");
    }

    @Test
    void shouldAttachTwoVolumesToOneInstanceAtTheSameTime() throws Exception {
        QemuVm vm = qemu.start();
        HypervisorTestTarget first = newTarget();
        HypervisorTestTarget second = newTarget();

        ExecutorService threads = Executors.newFixedThreadPool(2);
        CyclicBarrier together = new CyclicBarrier(2);
        try {
            Future<AttachedDevice> one = threads.submit(() -> {
                together.await(10, TimeUnit.SECONDS);
                return attachUnchecked(vm, "sdb", first);
            });
            Future<AttachedDevice> two = threads.submit(() -> {
                together.await(10, TimeUnit.SECONDS);
                return attachUnchecked(vm, "sdc", second);
            });

            assertEquals(Set.of(one.get(60, TimeUnit.SECONDS), two.get(60, TimeUnit.SECONDS)),
                    Set.copyOf(driver().devices(vm.instanceId())));
        } finally {
            threads.shutdownNow();
        }
    }

    // ---------------------------------------------------------------- instances that are gone or missing

    @Test
    void shouldTreatAKilledInstanceAsHavingNothingAttached() throws Exception {
        QemuVm vm = qemu.start();
        HypervisorTestTarget target = newTarget();
        driver().attach(request(vm.instanceId(), "sdb", target, target.chap()));

        vm.kill();

        assertTrue(Files.exists(vm.socket()), "QEMU leaves its socket behind when killed");
        driver().detach(vm.instanceId(), target.volumeId()); // documented: a gone instance holds nothing
        DriverException e = assertDriverException(DriverException.Code.NOT_FOUND,
                () -> driver().devices(vm.instanceId()));
        assertMentions(e, vm.instanceId(), "Connection refused");
        assertMentions(assertDriverException(DriverException.Code.NOT_FOUND,
                () -> driver().attach(request(vm.instanceId(), "sdb", target, target.chap()))), vm.instanceId(),
                target.volumeId(), "QMP connect");
    }

    @Test
    void shouldReportAMissingInstanceAsNotFoundToDevicesAndDetachItQuietly() throws Exception {
        String missing = "vm-missing-" + System.nanoTime();

        DriverException e = assertDriverException(DriverException.Code.NOT_FOUND, () -> driver().devices(missing));

        assertMentions(e, missing, "No such file or directory");
        driver().detach(missing, newVolumeId());
    }

    // ---------------------------------------------------------------- requests QEMU cannot or must not do

    @Test
    void shouldRefuseAttachingAVolumeTwiceAndKeepTheFirstAttachment() throws Exception {
        QemuVm vm = qemu.start();
        HypervisorTestTarget target = newTarget();
        AttachedDevice first = driver().attach(request(vm.instanceId(), "sdb", target, target.chap()));
        Set<String> before = QemuFixture.objects(vm);

        DriverException e = assertDriverException(DriverException.Code.ALREADY_EXISTS,
                () -> driver().attach(request(vm.instanceId(), "sdc", target, target.chap())));

        assertMentions(e, target.volumeId(), vm.instanceId());
        assertEquals(List.of(first), driver().devices(vm.instanceId()));
        assertEquals(before, QemuFixture.objects(vm));
    }

    @Test
    void shouldLabelTheDiskWithAPlainDeviceNameAndRefuseAPath() throws Exception {
        QemuVm vm = qemu.start();
        HypervisorTestTarget target = newTarget();
        Set<String> before = QemuFixture.objects(vm);

        DriverException e = assertDriverException(DriverException.Code.UNSUPPORTED,
                () -> driver().attach(request(vm.instanceId(), "/dev/disk/by-id/x", target, target.chap())));
        assertMentions(e, "/dev/disk/by-id/x", target.volumeId());
        assertEquals(before, QemuFixture.objects(vm));

        AttachedDevice attached = driver().attach(request(vm.instanceId(), "/dev/sdd", target, target.chap()));

        assertEquals("sdd", attached.device());
        assertEquals(List.of(attached), driver().devices(vm.instanceId()));
    }

    // ---------------------------------------------------------------- helpers

    private AttachedDevice attachUnchecked(QemuVm vm, String device, HypervisorTestTarget target) {
        try {
            return driver().attach(request(vm.instanceId(), device, target, target.chap()));
        } catch (DriverException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void assertOk(String answer) {
        assertTrue(QemuFixture.answer(answer).containsKey("return"), answer);
    }

    /** Runs HMP {@code qemu-io -d <device> "<command>"} and returns what QEMU printed for it. */
    private static String qemuIo(QemuVm vm, String device, String command, String lastLine) throws Exception {
        int from = vm.log().length();
        String answer = vm.qmp("human-monitor-command",
                "{\"command-line\": \"qemu-io -d " + device + " \\\"" + command + "\\\"\"}");
        assertEquals("", QemuFixture.answer(answer).getString("return"), answer);
        Instant deadline = Instant.now().plus(Duration.ofSeconds(10));
        while (Instant.now().isBefore(deadline)) {
            String printed = vm.log().substring(from);
            if (printed.contains(lastLine)) {
                return printed;
            }
            Thread.sleep(20);
        }
        throw new AssertionError("QEMU did not print '" + lastLine + "' for qemu-io " + command + ": "
                + vm.log().substring(from));
    }

    private static byte[] read(Path file, long offset, int length) throws IOException {
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "r")) {
            byte[] bytes = new byte[length];
            raf.seek(offset);
            raf.readFully(bytes);
            return bytes;
        }
    }
}
