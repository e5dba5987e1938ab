package org.vbs.plugins.vmm.libvirt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
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
import org.vbs.hosts.LocalHostShell;
import org.vbs.plugins.spi.DriverConfig;
import org.vbs.plugins.spi.DriverException;
import org.vbs.plugins.spi.hypervisor.AttachedDevice;
import org.vbs.plugins.spi.hypervisor.HypervisorDriver;
import org.vbs.plugins.testkit.HypervisorDriverContract;
import org.vbs.plugins.testkit.HypervisorTestTarget;
import org.vbs.plugins.testkit.tools.CommandLines;
import org.vbs.plugins.testkit.tools.ExecResult;
import org.vbs.plugins.testkit.tools.LibvirtdProcess;
import org.vbs.plugins.testkit.tools.TgtTargets;
import org.vbs.plugins.testkit.tools.TgtdProcess;

/**
 * The libvirt driver against a private libvirtd (one per class: its first connection probes QEMU for
 * ~8 s), real transient domains under it (QEMU, KVM or TCG, no guest OS) and a real tgtd on loopback,
 * through the real local shell and virsh: the compliance suite, plus data through the guest's disk,
 * the CHAP secret kept out of every command line and file, and the failure paths of each step.
 */
class LibvirtHypervisorDriverTest extends HypervisorDriverContract {
    private static final String INITIATOR = TgtTargets.newInitiatorIqn();

    @TempDir
    static Path work;

    private static TgtdProcess tgtd;
    private static TgtTargets targets;
    private static LibvirtdProcess libvirtd;

    private LibvirtFixture domains;

    @BeforeAll
    static void startTargetAndLibvirtd() throws IOException {
        tgtd = TgtdProcess.startOnLoopback(work);
        targets = new TgtTargets(tgtd, work.resolve("luns"));
        libvirtd = LibvirtdProcess.start(work);
    }

    @AfterAll
    static void stopTargetAndLibvirtd() throws IOException {
        try {
            if (libvirtd != null) {
                libvirtd.close();
            }
        } finally {
            if (tgtd != null) {
                tgtd.close();
            }
        }
    }

    @AfterEach
    void stopDomains() throws IOException {
        if (domains != null) {
            domains.close();
        }
    }

    @Override
    protected HypervisorDriver newDriver() throws Exception {
        domains = new LibvirtFixture(libvirtd);
        return domains.driver(Map.of());
    }

    @Override
    protected String startInstance() throws Exception {
        return domains.start();
    }

    @Override
    protected HypervisorTestTarget newTarget() throws Exception {
        return targets.export(INITIATOR);
    }

    @Override
    protected Set<String> instanceObjects(String instanceId) throws Exception {
        return domains.view().objects(instanceId);
    }

    // ---------------------------------------------------------------- data end to end

    @Test
    void shouldWriteThroughTheGuestsDiskIntoTheTargetsFile() throws Exception {
        String domain = domains.start();
        HypervisorTestTarget target = newTarget();
        driver().attach(request(domain, "sdb", target, target.chap()));

        String alias = domains.view().diskAlias(domain, target.volumeId());
        String output = domains.view().qemuIo(domain, alias, "write -P 0x5a 0 1M",
                "wrote 1048576/1048576 bytes at offset 0");

        assertFalse(output.contains("error"), output);
        byte[] expected = new byte[1 << 20];
        Arrays.fill(expected, (byte) 0x5a);
        assertTrue(Arrays.equals(expected, read(targets.fileOf(target.volumeId()), 0, 1 << 20)),
                "the file holds 0x5a over the first MiB");
        assertEquals(0, read(targets.fileOf(target.volumeId()), 1 << 20, 1)[0], "and nothing past it");
    }

    @Test
    void shouldReadWhatTheTargetsFileHoldsThroughTheGuestsDisk() throws Exception {
        String domain = domains.start();
        HypervisorTestTarget target = newTarget();
        byte[] pattern = new byte[1 << 20];
        Arrays.fill(pattern, (byte) 0xa5);
        try (FileChannel file = FileChannel.open(targets.fileOf(target.volumeId()), StandardOpenOption.WRITE)) {
            file.write(ByteBuffer.wrap(pattern), 2L << 20);
        }
        driver().attach(request(domain, "sdb", target, target.chap()));
        String alias = domains.view().diskAlias(domain, target.volumeId());
        String done = "read 1048576/1048576 bytes at offset 2097152";

        String right = domains.view().qemuIo(domain, alias, "read -P 0xa5 2M 1M", done);
        String wrong = domains.view().qemuIo(domain, alias, "read -P 0x11 2M 1M", done);

        assertFalse(right.contains("Pattern verification failed"), right);
        // The check can fail: another pattern is refused on the same bytes.
        assertTrue(wrong.contains("Pattern verification failed at offset 2097152"), wrong);
    }

    // ---------------------------------------------------------------- the CHAP secret

    @Test
    void shouldKeepTheChapSecretOutOfEveryCommandLineAndFileDuringAndAfterTheAttach() throws Exception {
        String domain = domains.start();
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
            for (int i = 0; i < 5; i++) { // several attaches, so the scans overlap the driver's virsh runs
                driver().attach(request(domain, "sdb", target, target.chap()));
                driver().detach(domain, target.volumeId());
            }
            driver().attach(request(domain, "sdb", target, target.chap()));
        } finally {
            attaching.set(false);
        }

        assertEquals(List.of(), seen.get(60, TimeUnit.SECONDS));
        assertTrue(scans.get() > 0);
        assertEquals(List.of(), CommandLines.holding(secret), "after the attach");
        assertEquals(List.of(), CommandLines.filesHolding(libvirtd.root(), secret),
                "libvirtd's config, state and logs, and QEMU's log (the secret is ephemeral)");
        String uuid = new VolumeSecret(target.volumeId()).uuid();
        ExecResult readBack = libvirtd.virsh("secret-get-value", uuid);
        assertNotEquals(0, readBack.exitCode(), readBack.output());
        assertTrue(readBack.output().contains("secret is private"), readBack.output());
    }

    @Test
    void shouldRefuseAWrongSecretAtTheAttachDeviceStepAndLeaveNoSecretAndNoDisk() throws Exception {
        String domain = domains.start();
        HypervisorTestTarget target = newTarget();
        Set<String> before = domains.view().objects(domain);

        DriverException e = assertDriverException(DriverException.Code.IO_ERROR,
                () -> driver().attach(request(domain, "sdb", target, target.wrongChap())));

        assertMentions(e, "attach-device failed", "Authentication failure", target.volumeId(), domain);
        assertHidesSecrets(e, target.chapSecret(), target.wrongSecret());
        assertEquals(before, domains.view().objects(domain));
        assertFalse(libvirtd.virshOk("secret-list").contains(new VolumeSecret(target.volumeId()).uuid()));
        assertEquals(List.of(), driver().devices(domain));
    }

    @Test
    void shouldRemoveTheNewSecretWhenLibvirtRefusesTheDiskAndKeepTheOtherVolume() throws Exception {
        String domain = domains.start();
        HypervisorTestTarget first = newTarget();
        HypervisorTestTarget second = newTarget();
        AttachedDevice kept = driver().attach(request(domain, "sdb", first, first.chap()));
        Set<String> before = domains.view().objects(domain);

        // libvirt refuses a second disk on target sdb.
        DriverException e = assertDriverException(DriverException.Code.IO_ERROR,
                () -> driver().attach(request(domain, "sdb", second, second.chap())));

        assertMentions(e, "attach-device failed", "sdb", second.volumeId(), domain);
        assertEquals(before, domains.view().objects(domain));
        assertEquals(List.of(kept), driver().devices(domain));
        assertTrue(libvirtd.virshOk("secret-list").contains(new VolumeSecret(first.volumeId()).uuid()));
        assertFalse(libvirtd.virshOk("secret-list").contains(new VolumeSecret(second.volumeId()).uuid()));
    }

    @Test
    void shouldReplaceTheSecretAnAttachThatDiedHalfWayLeftAndAttach() throws Exception {
        String domain = domains.start();
        HypervisorTestTarget target = newTarget();
        VolumeSecret secret = new VolumeSecret(target.volumeId());
        Set<String> before = domains.view().objects(domain);
        // What a service node that crashed between secret-set-value and attach-device leaves behind.
        Path xml = Files.writeString(work.resolve("stale-secret.xml"), LibvirtXml.secretDefinition(secret));
        Path value = Files.writeString(work.resolve("stale-value"), "stale-secret-value");
        libvirtd.virshOk("secret-define", xml.toString());
        libvirtd.virshOk("secret-set-value", secret.uuid(), "--file", value.toString(), "--plain");
        Files.delete(value);

        AttachedDevice attached = driver().attach(request(domain, "sdb", target, target.chap()));

        assertEquals(List.of(attached), driver().devices(domain));
        driver().detach(domain, target.volumeId());
        assertEquals(before, domains.view().objects(domain));
    }

    @Test
    void shouldFailAtSecretDefineWhenAnotherSecretHoldsTheUsageAndLeaveThatSecretAlone() throws Exception {
        String domain = domains.start();
        HypervisorTestTarget target = newTarget();
        String usage = new VolumeSecret(target.volumeId()).usage();
        String foreign = "0b1e7c55-0000-4000-8000-" + target.volumeId().substring(9);
        Path xml = Files.writeString(work.resolve("foreign-secret.xml"), "<secret ephemeral='yes' private='yes'><uuid>"
                + foreign + "</uuid><usage type='iscsi'><target>" + usage + "</target></usage></secret>");
        libvirtd.virshOk("secret-define", xml.toString());
        try {
            Set<String> before = domains.view().objects(domain);

            DriverException e = assertDriverException(DriverException.Code.IO_ERROR,
                    () -> driver().attach(request(domain, "sdb", target, target.chap())));

            assertMentions(e, "secret-define failed", foreign, usage, target.volumeId(), domain);
            assertEquals(before, domains.view().objects(domain), "the operator's secret stays, nothing else is there");
        } finally {
            libvirtd.virshOk("secret-undefine", foreign);
        }
    }

    @Test
    void shouldRemoveTheDefinedSecretWhenSettingItsValueFails() throws Exception {
        String domain = domains.start();
        HypervisorTestTarget target = newTarget();
        Set<String> before = domains.view().objects(domain);
        // The operator's template reads the value from a file that is not there: virsh fails after the define.
        HypervisorDriver broken = new LibvirtDriverFactory().create(new DriverConfig("localhost",
                Map.of(LibvirtSettings.URI, libvirtd.uri()), Map.of(Virsh.SECRET_SET_VALUE,
                        "virsh -c <uri> secret-set-value <secret> --file " + work.resolve("no-such-file") + " --plain")),
                new LocalHostShell("localhost"));

        DriverException e = assertDriverException(DriverException.Code.IO_ERROR,
                () -> broken.attach(request(domain, "sdb", target, target.chap())));

        assertMentions(e, "secret-set-value failed", "no-such-file", target.volumeId(), domain);
        assertHidesSecrets(e, target.chapSecret());
        assertEquals(before, domains.view().objects(domain));
    }

    @Test
    void shouldFailADetachTheGuestDoesNotCompleteAndLeaveTheDiskInPlace() throws Exception {
        HypervisorDriver impatient = domains.driver(Map.of(LibvirtSettings.DETACH_TIMEOUT_MILLIS, "300"));
        String domain = domains.start();
        String volumeId = newVolumeId();
        // A virtio-blk disk is only released by a guest that acknowledges the unplug; there is no guest.
        Path image = work.resolve(volumeId + ".img");
        try (RandomAccessFile file = new RandomAccessFile(image.toFile(), "rw")) {
            file.setLength(1 << 20);
        }
        Path xml = Files.writeString(work.resolve(volumeId + ".xml"), "<disk type='file' device='disk'>"
                + "<driver name='qemu' type='raw'/><source file='" + image + "'/><target dev='vdb' bus='virtio'/>"
                + "<serial>" + volumeId + "</serial></disk>");
        libvirtd.virshOk("attach-device", domain, xml.toString(), "--live");
        Set<String> before = domains.view().objects(domain);

        DriverException e = assertDriverException(DriverException.Code.IO_ERROR,
                () -> impatient.detach(domain, volumeId));

        assertMentions(e, volumeId, domain, "vdb is still in the domain 300 ms after detach-device");
        assertEquals(List.of(new AttachedDevice(domain, "vdb", volumeId)), impatient.devices(domain));
        assertEquals(before, domains.view().objects(domain));
    }

    @Test
    void shouldAttachTwoVolumesToOneDomainAtTheSameTime() throws Exception {
        String domain = domains.start();
        HypervisorTestTarget first = newTarget();
        HypervisorTestTarget second = newTarget();
        ExecutorService threads = Executors.newFixedThreadPool(2);
        CyclicBarrier together = new CyclicBarrier(2);
        try {
            Future<AttachedDevice> one = threads.submit(() -> {
                together.await(10, TimeUnit.SECONDS);
                return driver().attach(request(domain, "sdb", first, first.chap()));
            });
            Future<AttachedDevice> two = threads.submit(() -> {
                together.await(10, TimeUnit.SECONDS);
                return driver().attach(request(domain, "sdc", second, second.chap()));
            });

            assertEquals(Set.of(one.get(60, TimeUnit.SECONDS), two.get(60, TimeUnit.SECONDS)),
                    Set.copyOf(driver().devices(domain)));
        } finally {
            threads.shutdownNow();
        }
    }

    @Test
    void shouldKeepTheDomainsStateInThePrivateDaemonsDirectoriesOnly() throws Exception {
        String domain = domains.start();

        // libvirtd writes a running domain's status XML to /run/libvirt/qemu/<name>.xml: in its namespace
        // that is the fixture's directory; the machine's /run/libvirt never sees it.
        assertTrue(Files.exists(libvirtd.root().resolve("run/libvirt/qemu/" + domain + ".xml")));
        assertFalse(Files.exists(Path.of("/run/libvirt/qemu/" + domain + ".xml")));
        assertFalse(Files.exists(Path.of("/var/log/libvirt/qemu/" + domain + ".log")));
        assertNotEquals(Files.readSymbolicLink(Path.of("/proc/self/ns/mnt")),
                Files.readSymbolicLink(Path.of("/proc/" + libvirtd.pid() + "/ns/mnt")));
    }

    // ---------------------------------------------------------------- domains that are gone or missing

    @Test
    void shouldReportAMissingDomainAsNotFoundToDevicesAndDetachItQuietly() throws Exception {
        String missing = "vbs-missing-" + System.nanoTime();

        DriverException e = assertDriverException(DriverException.Code.NOT_FOUND, () -> driver().devices(missing));

        assertMentions(e, missing, "failed to get domain");
        driver().detach(missing, newVolumeId());
    }

    @Test
    void shouldRemoveTheSecretWhenDetachingFromADomainThatWasDestroyed() throws Exception {
        String domain = domains.start();
        HypervisorTestTarget target = newTarget();
        driver().attach(request(domain, "sdb", target, target.chap()));

        libvirtd.destroyDomain(domain);
        driver().detach(domain, target.volumeId());

        assertFalse(libvirtd.virshOk("secret-list").contains(new VolumeSecret(target.volumeId()).uuid()));
        assertMentions(assertDriverException(DriverException.Code.NOT_FOUND,
                () -> driver().attach(request(domain, "sdb", target, target.chap()))), domain, target.volumeId());
    }

    // ---------------------------------------------------------------- requests libvirt cannot or must not do

    @Test
    void shouldRefuseAttachingAVolumeTwiceAndKeepTheFirstAttachment() throws Exception {
        String domain = domains.start();
        HypervisorTestTarget target = newTarget();
        AttachedDevice first = driver().attach(request(domain, "sdb", target, target.chap()));
        Set<String> before = domains.view().objects(domain);

        DriverException e = assertDriverException(DriverException.Code.ALREADY_EXISTS,
                () -> driver().attach(request(domain, "sdc", target, target.chap())));

        assertMentions(e, target.volumeId(), domain, "sdb");
        assertEquals(List.of(first), driver().devices(domain));
        assertEquals(before, domains.view().objects(domain));
    }

    @Test
    void shouldNameTheDiskWithAPlainDeviceNameAndRefuseAPath() throws Exception {
        String domain = domains.start();
        HypervisorTestTarget target = newTarget();
        Set<String> before = domains.view().objects(domain);

        DriverException e = assertDriverException(DriverException.Code.UNSUPPORTED,
                () -> driver().attach(request(domain, "/dev/disk/by-id/x", target, target.chap())));
        assertMentions(e, "/dev/disk/by-id/x", target.volumeId());
        assertEquals(before, domains.view().objects(domain));

        AttachedDevice attached = driver().attach(request(domain, "/dev/sdd", target, target.chap()));

        assertEquals("sdd", attached.device());
        assertEquals(List.of(attached), driver().devices(domain));
    }

    // ---------------------------------------------------------------- helpers

    private static byte[] read(Path file, long offset, int length) throws IOException {
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "r")) {
            byte[] bytes = new byte[length];
            raf.seek(offset);
            raf.readFully(bytes);
            return bytes;
        }
    }
}
