package org.vbs.it.system;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.vbs.it.client.VbsFault;
import org.vbs.it.support.Caller;
import org.vbs.it.support.Callers;
import org.vbs.it.support.Faults;
import org.vbs.it.support.ItConfig;
import org.vbs.it.support.Pool;
import org.vbs.it.support.Resources;
import org.vbs.it.support.ServerProcess;
import org.vbs.it.support.VbsHomes;
import org.vbs.it.support.VbsTargets;
import org.vbs.plugins.testkit.tools.ExecResult;
import org.vbs.plugins.testkit.tools.IscsiLogin;
import org.vbs.plugins.testkit.tools.LibvirtDomainView;
import org.vbs.plugins.testkit.tools.LibvirtdProcess;
import org.vbs.plugins.testkit.tools.TgtdProcess;

/**
 * The whole system with a libvirt hypervisor host: the run command's server (bin/vbs-server, without
 * its lab) registers this machine as host {@code local}, a volume server (file volumes, exported by a
 * tgtd of this test's own on loopback) and a hypervisor host whose driver is {@code libvirt}, talking to
 * a private libvirtd of this test's ({@link LibvirtdProcess}: its own mount namespace, its own socket)
 * that runs two transient domains with a virtio-scsi controller and no guest OS. The signed SOAP API
 * drives it (a {@link Caller}); the test looks at tgtd with tgtadm and libiscsi, and into the domains
 * with virsh and QEMU's monitor ({@link LibvirtDomainView}), never through the service.
 *
 * <p>The run script installs the libvirt bundle with the others (signed by the home's development
 * plugin signer); the host registration is the operator's own file, so the script keeps it.
 *
 * <p>Everything started here (server, libvirtd with its domains, tgtd) is stopped by its own PID in
 * {@link #stopEverything()}, whatever happened.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public class LibvirtHostIT {
    private static final String HOST = "local";
    private static final String INITIATOR = "iqn.2026-11.org.vbs:initiator." + HOST;
    private static final String VM_ONE = "vm-one";
    private static final String VM_TWO = "vm-two";
    private static final int ONE_MIB = 1 << 20;

    private final List<AutoCloseable> started = new ArrayList<>();
    private TgtdProcess tgtd;
    private LibvirtdProcess libvirtd;
    private LibvirtDomainView domains;
    private Pool pool;
    private ServerProcess server;
    private Caller user;

    @BeforeAll
    public void startHostAndServer() throws Exception {
        Path work = ItConfig.workDir().resolve("libvirt-host");
        VbsHomes.deleteTree(work);
        Path fixtures = Files.createDirectories(work.resolve("fixtures"));
        pool = new Pool(Files.createDirectories(work.resolve("pool")));
        Path vbsHome = work.resolve("vbs-home");

        long t0 = System.nanoTime();
        tgtd = track(TgtdProcess.startOnLoopback(fixtures));
        // libvirtd's sockets live in its directory: a short path keeps them under the 108 bytes of sun_path.
        Path libvirtdDir = Files.createTempDirectory("vbs-it-libvirtd-");
        track(() -> Files.deleteIfExists(libvirtdDir));
        libvirtd = track(LibvirtdProcess.start(libvirtdDir));
        domains = new LibvirtDomainView(libvirtd);
        // libvirtd destroys the domains when it is closed.
        libvirtd.createDomain(VM_ONE);
        libvirtd.createDomain(VM_TWO);
        long hostUp = System.nanoTime();

        Path hosts = Files.createDirectories(vbsHome.resolve("hosts"));
        // The operator's own file (no "Written by bin/vbs-server" line), so the run script keeps it.
        Files.writeString(hosts.resolve(HOST + ".properties"), String.join("\n", "transport=local",
                "address=127.0.0.1", "volume.driver=file", "volume.pool=" + pool.root(),
                "export.driver=tgt", "export.portal=" + tgtd.portal(), "export.control=" + tgtd.controlNumber(),
                "hypervisor.driver=libvirt", "hypervisor.uri=" + libvirtd.uri()) + "\n", StandardCharsets.UTF_8);
        server = ServerProcess.withoutLab(vbsHome, ItConfig.systemPortOffset(), work);
        started.add(0, server::stop);
        server.start();
        user = Callers.of(server.endpoint(), server.vbsHome()).devUser();
        System.out.printf("tgtd, libvirtd and 2 domains: %d ms; server boot: %d ms%n", millis(t0, hostUp),
                millis(hostUp, System.nanoTime()));
    }

    @AfterAll
    public void stopEverything() throws Exception {
        // Last started, first stopped: the server before the daemons it drives, libvirtd (and with it the
        // domains' QEMUs, logged in to tgtd) before tgtd.
        Resources.closeAll(started);
    }

    @Test
    public void dataWrittenByOneLibvirtDomainReachesAnotherThroughASnapshot() throws Exception {
        // given a volume, and what vm-one holds before it is attached
        String volume = user.createVolume(1).getVolumeId();
        user.awaitVolume(volume, "available");
        assertTrue(Files.exists(pool.volumeFile(volume)), pool.volumeFile(volume).toString());
        Set<String> vmOneBefore = domains.objects(VM_ONE);

        // when it is attached to vm-one through libvirt
        long t0 = System.nanoTime();
        user.attachVolume(volume, HOST, VM_ONE, "sdb");
        long attachMs = millis(t0, System.nanoTime());

        // then it is in use, tgtd exports it to the host's initiator, and libvirt's QEMU is logged in
        assertEquals("in-use", user.volume(volume).getStatus());
        String target = VbsTargets.iqnOf(tgtd, volume);
        String shown = tgtd.showTargets();
        assertTrue(shown.contains("Initiator: " + INITIATOR), "QEMU's session: " + shown);
        assertTrue(tgtd.showAccounts().contains("vbs-"), "a CHAP account");
        // and the target refuses the host's initiator without the CHAP secret
        ExecResult intruder = IscsiLogin.anonymous(tgtd.portal(), target, 1, INITIATOR).inquire();
        assertNotEquals(0, intruder.exitCode(), intruder.output());
        assertTrue(intruder.output().contains(IscsiLogin.AUTHENTICATION_FAILURE), intruder.output());
        // and the domain has the disk (serial: the volume id) and libvirt the volume's CHAP secret
        Set<String> vmOneAttached = domains.objects(VM_ONE);
        assertTrue(vmOneAttached.contains("disk:sdb:" + volume), vmOneAttached.toString());
        assertTrue(vmOneAttached.stream().anyMatch(o -> o.startsWith("secret:") && o.endsWith("vbs-chap-" + volume)),
                vmOneAttached.toString());

        // when vm-one writes a pattern through its disk, and the volume is detached
        String written = domains.qemuIo(VM_ONE, domains.diskAlias(VM_ONE, volume), "write -P 0x5a 0 1M",
                "wrote " + ONE_MIB + "/" + ONE_MIB + " bytes at offset 0");
        assertFalse(written.contains("error"), written);
        t0 = System.nanoTime();
        user.detachVolume(volume, Optional.empty(), Optional.empty(), false);
        user.awaitVolume(volume, "available");
        long detachMs = millis(t0, System.nanoTime());

        // then no target, CHAP account, libvirt secret, disk, QEMU object or block node is left
        assertNothingLeft(VM_ONE, vmOneBefore);

        // when it is snapshotted, a volume is made from the snapshot and attached to vm-two
        String snapshot = user.createSnapshot(volume, "libvirt end to end").getSnapshotId();
        user.awaitSnapshotCompleted(snapshot);
        String restored = user.createVolumeFromSnapshot(snapshot).getVolumeId();
        user.awaitVolume(restored, "available");
        Set<String> vmTwoBefore = domains.objects(VM_TWO);
        user.attachVolume(restored, HOST, VM_TWO, "sdc");
        assertEquals("in-use", user.volume(restored).getStatus());

        // then vm-two reads the pattern back through its disk
        String alias = domains.diskAlias(VM_TWO, restored);
        String read = domains.qemuIo(VM_TWO, alias, "read -P 0x5a 0 1M",
                "read " + ONE_MIB + "/" + ONE_MIB + " bytes at offset 0");
        assertFalse(read.contains("Pattern verification failed"), read);
        // and the check bites: the next MiB, never written, is not the pattern
        String unwritten = domains.qemuIo(VM_TWO, alias, "read -P 0x5a 1M 1M",
                "read " + ONE_MIB + "/" + ONE_MIB + " bytes at offset " + ONE_MIB);
        assertTrue(unwritten.contains("Pattern verification failed at offset " + ONE_MIB), unwritten);

        // when it is detached and everything is deleted
        user.detachVolume(restored, Optional.empty(), Optional.empty(), false);
        user.awaitVolume(restored, "available");
        assertNothingLeft(VM_TWO, vmTwoBefore);
        user.deleteVolumes(restored, volume);
        user.deleteSnapshots(snapshot);

        // then no file of them is left in the pool
        pool.awaitAbsent(pool.volumeFile(volume));
        pool.awaitAbsent(pool.volumeFile(restored));
        pool.awaitAbsent(pool.snapshotFile(snapshot));
        System.out.printf("attach through libvirt: %d ms, detach: %d ms%n", attachMs, detachMs);
    }

    @Test
    public void attachToADomainLibvirtDoesNotKnowIsRefusedAndLeavesNothing() throws Exception {
        // given a volume, and what libvirt holds before
        String volume = user.createVolume(1).getVolumeId();
        user.awaitVolume(volume, "available");
        Set<String> vmOneBefore = domains.objects(VM_ONE);

        // when it is attached to a domain the host's libvirtd does not run
        VbsFault refused = assertThrows(VbsFault.class, () -> user.attachVolume(volume, HOST, "vm-absent", "sdb"));

        // then the caller is told the instance is not there, and the volume is available again with no
        // target, CHAP account or libvirt secret left
        assertEquals("InvalidInstanceID.NotFound", Faults.code(refused), Faults.message(refused));
        assertTrue(Faults.message(refused).contains("vm-absent"), Faults.message(refused));
        // and the server's log has the driver's cause
        String logged = Files.readString(server.vbsHome().resolve("server/log/server.log"), StandardCharsets.UTF_8);
        assertTrue(logged.contains("libvirt on host local has no domain vm-absent"),
                "the driver's cause in the server log");
        assertEquals("available", user.volume(volume).getStatus());
        assertNothingLeft(VM_ONE, vmOneBefore);
        user.deleteVolumes(volume);
        pool.awaitAbsent(pool.volumeFile(volume));
    }

    /** No target or CHAP account on tgtd, and the domain (with libvirt's secrets) as it was before the attach. */
    private void assertNothingLeft(String domain, Set<String> before) throws Exception {
        assertEquals(List.of(), tgtd.targetIds(), tgtd.showTargets());
        assertFalse(tgtd.showAccounts().contains("vbs-"), tgtd.showAccounts());
        assertEquals(before, domains.objects(domain));
    }

    private <T extends AutoCloseable> T track(T resource) {
        started.add(0, resource);
        return resource;
    }

    private static long millis(long from, long to) {
        return (to - from) / 1_000_000;
    }
}
