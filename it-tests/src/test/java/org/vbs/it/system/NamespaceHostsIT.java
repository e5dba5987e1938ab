package org.vbs.it.system;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.vbs.it.support.Await;
import org.vbs.it.support.Caller;
import org.vbs.it.support.Callers;
import org.vbs.it.support.ItConfig;
import org.vbs.it.support.Pool;
import org.vbs.it.support.Processes;
import org.vbs.it.support.Resources;
import org.vbs.it.support.ServerProcess;
import org.vbs.it.support.VbsHomes;
import org.vbs.it.support.VbsTargets;
import org.vbs.plugins.testkit.tools.IscsiLogin;
import org.vbs.plugins.testkit.tools.NamespaceLink;
import org.vbs.plugins.testkit.tools.NetworkNamespace;
import org.vbs.plugins.testkit.tools.QemuVm;
import org.vbs.plugins.testkit.tools.SshKey;
import org.vbs.plugins.testkit.tools.SshdProcess;
import org.vbs.plugins.testkit.tools.TgtdProcess;

/**
 * The whole system with hosts the service reaches over SSH, each a network namespace of this test's
 * own: a volume server {@code vs1} (sshd, and a tgtd whose portal is on vs1's end of a direct wire to
 * hv1) and a hypervisor host {@code hv1} (sshd, two QEMU VMs with virtio-scsi). The server is the run
 * command's (bin/vbs-server, without its lab), in the root namespace; the built CLI drives it.
 *
 * <p>The plumbing, least invasive first: each namespace has a veth pair to the root namespace with a
 * /29 of its own ({@link NetworkNamespace}), over which the service's SSH reaches its sshd; and a
 * direct veth pair between vs1 and hv1 with a /30 of its own ({@link NamespaceLink}), over which
 * QEMU in hv1 logs in to tgtd in vs1. Every route is a connected route inside a namespace: nothing in
 * the root namespace's routing or sysctls changes (no forwarding), only the two root-side veth ends
 * appear and go.
 *
 * <p>The file volume driver makes and deletes its files with the service's own file I/O and runs only
 * its copies (cp, du) over vs1's SSH shell, so its pool must be local to the service and to vs1 at the
 * same path; the namespaces share this machine's file system, which makes vs1's pool directory just
 * that (for the service, for the copies over SSH, and for vs1's tgtd). The service machine itself is registered without drivers, so vs1 is the only volume server.
 *
 * <p>Everything started here (server, VMs, tgtd, sshds, links, namespaces) is stopped by its own
 * PID or name in {@link #stopEverything()}, whatever happened.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public class NamespaceHostsIT {
    private static final Duration CLI_PATIENCE = Duration.ofMinutes(3);
    private static final String INITIATOR_HV1 = "iqn.2026-11.org.vbs:initiator.hv1";
    private static final String VM_ONE = "vm-one";
    private static final String VM_TWO = "vm-two";
    private static final String ONE_MIB = "1048576";

    private final List<AutoCloseable> started = new ArrayList<>();
    private NetworkNamespace vs1;
    private NetworkNamespace hv1;
    private NamespaceLink wire;
    private TgtdProcess tgtd;
    private QemuVm vmOne;
    private QemuVm vmTwo;
    private Pool pool;
    private ServerProcess server;

    @BeforeAll
    public void startHostsAndServer() throws Exception {
        Path work = ItConfig.workDir().resolve("namespace-hosts");
        VbsHomes.deleteTree(work);
        Path fixtures = Files.createDirectories(work.resolve("fixtures"));
        Path qmp = Files.createDirectories(work.resolve("hv1-qmp"));
        pool = new Pool(Files.createDirectories(work.resolve("vs1-pool")));
        Path vbsHome = work.resolve("vbs-home");

        long t0 = System.nanoTime();
        vs1 = track(NetworkNamespace.create());
        hv1 = track(NetworkNamespace.create());
        wire = track(NamespaceLink.between(vs1, hv1));
        long plumbed = System.nanoTime();
        SshKey service = SshKey.ed25519(fixtures, "service");
        SshdProcess vs1Sshd = track(SshdProcess.start(vs1, fixtures, SshKey.ed25519(fixtures, "vs1-host"),
                List.of(service)));
        SshdProcess hv1Sshd = track(SshdProcess.start(hv1, fixtures, SshKey.ed25519(fixtures, "hv1-host"),
                List.of(service)));
        tgtd = track(TgtdProcess.start(fixtures, vs1.execPrefix(), wire.aAddress(), 3260));
        vmOne = track(QemuVm.start(qmp, VM_ONE, hv1.execPrefix()));
        vmTwo = track(QemuVm.start(qmp, VM_TWO, hv1.execPrefix()));
        long hostsUp = System.nanoTime();

        Path hosts = Files.createDirectories(vbsHome.resolve("hosts"));
        // The operator's own file (no "Written by bin/vbs-server" line), so the run script keeps it: the
        // service's machine is a host without drivers, neither volume server nor hypervisor host.
        write(hosts.resolve("local.properties"), "transport=local", "address=127.0.0.1");
        write(hosts.resolve("vs1.properties"), sshHost(vs1Sshd, "vs1", service, fixtures),
                "volume.driver=file", "volume.pool=" + pool.root(),
                "export.driver=tgt", "export.portal=" + tgtd.portal(), "export.control=" + tgtd.controlNumber());
        write(hosts.resolve("hv1.properties"), sshHost(hv1Sshd, "hv1", service, fixtures),
                "hypervisor.driver=qemu", "hypervisor.qmpSocketDir=" + qmp);
        server = ServerProcess.withoutLab(vbsHome, ItConfig.systemPortOffset(), work);
        started.add(0, server::stop);
        server.start();
        System.out.printf("namespaces and wire: %d ms; sshds, tgtd, 2 VMs: %d ms; server boot: %d ms%n",
                millis(t0, plumbed), millis(plumbed, hostsUp), millis(hostsUp, System.nanoTime()));
    }

    @AfterAll
    public void stopEverything() throws Exception {
        // Last started, first stopped: the server before the hosts it holds SSH sessions to, the VMs
        // before the tgtd they are logged in to, the links before the namespaces.
        Resources.closeAll(started);
    }

    @Test
    public void dataWrittenByOneVmOnHv1ReachesAnotherThroughASnapshotOnVs1() throws Exception {
        // given a volume, which goes to vs1 (the only volume server)
        String volume = json(vbsOk("create-volume", "--size", "1")).getString("volumeId");
        Caller user = Callers.of(server.endpoint(), server.vbsHome()).devUser();
        user.awaitVolume(volume, "available");
        assertTrue(Files.exists(pool.volumeFile(volume)), "on vs1's pool: " + pool.volumeFile(volume));

        // when it is attached to vm-one on hv1
        long t0 = System.nanoTime();
        JsonObject attached = json(vbsOk("attach-volume", volume, "--host", "hv1", "--instance", VM_ONE,
                "--device", "sdb", "--wait"));
        long attachMs = millis(t0, System.nanoTime());

        // then vs1's tgtd exports it to hv1's initiator, and QEMU is logged in from hv1's end of the wire
        assertEquals("in-use", user.volume(volume).getStatus(), attached.toString());
        String target = VbsTargets.iqnOf(tgtd, volume);
        String shown = tgtd.showTargets();
        assertTrue(shown.contains("Initiator: " + INITIATOR_HV1), shown);
        assertTrue(shown.contains("IP Address: " + wire.bAddress()), "QEMU's session from hv1: " + shown);
        assertTrue(tgtd.showAccounts().contains("vbs-"), "a CHAP account");
        // and the target refuses hv1's initiator without the CHAP secret
        Processes.Result intruder = inquireFromHv1(target);
        assertNotEquals(0, intruder.exitCode(), intruder.describe());
        assertTrue((intruder.stdout() + intruder.stderr()).contains(IscsiLogin.AUTHENTICATION_FAILURE),
                intruder.describe());

        // when vm-one writes a pattern through its drive, and the volume is detached
        String written = qemuIo(vmOne, deviceId(volume, "sdb"), "write -P 0x5a 0 1M", "wrote " + ONE_MIB + "/");
        assertTrue(written.contains("wrote " + ONE_MIB + "/" + ONE_MIB + " bytes at offset 0"), written);
        t0 = System.nanoTime();
        JsonObject detached = json(vbsOk("detach-volume", volume, "--wait"));
        long detachMs = millis(t0, System.nanoTime());

        // then it is available, and its target and CHAP account are gone from vs1's tgtd
        assertEquals("available", user.volume(volume).getStatus(), detached.toString());
        assertEquals(List.of(), tgtd.targetIds(), tgtd.showTargets());
        assertFalse(tgtd.showAccounts().contains("vbs-"), tgtd.showAccounts());
        assertFalse(blockNodes(vmOne).contains(volume), "vm-one still has a node of " + volume);

        // when it is snapshotted and a volume is made from the snapshot
        t0 = System.nanoTime();
        String snapshot = json(vbsOk("create-snapshot", volume, "--wait")).getString("snapshotId");
        long snapshotMs = millis(t0, System.nanoTime());
        assertTrue(Files.exists(pool.snapshotFile(snapshot)), pool.snapshotFile(snapshot).toString());
        String restored = json(vbsOk("create-volume", "--snapshot-id", snapshot)).getString("volumeId");
        user.awaitVolume(restored, "available");
        assertTrue(Files.exists(pool.volumeFile(restored)), pool.volumeFile(restored).toString());

        // and that volume is attached to vm-two on hv1
        vbsOk("attach-volume", restored, "--host", "hv1", "--instance", VM_TWO, "--device", "sdc", "--wait");
        assertEquals("in-use", user.volume(restored).getStatus());

        // then vm-two reads the pattern back through its drive
        String device = deviceId(restored, "sdc");
        String read = qemuIo(vmTwo, device, "read -P 0x5a 0 1M", "read " + ONE_MIB + "/");
        assertFalse(read.contains("Pattern verification failed"), read);
        assertTrue(read.contains("read " + ONE_MIB + "/" + ONE_MIB + " bytes at offset 0"), read);
        // and the check bites: the next MiB, never written, is not the pattern
        String unwritten = qemuIo(vmTwo, device, "read -P 0x5a 1M 1M", "read " + ONE_MIB + "/");
        assertTrue(unwritten.contains("Pattern verification failed"), unwritten);

        // when it is detached and everything is deleted
        vbsOk("detach-volume", restored, "--wait");
        assertEquals(List.of(), tgtd.targetIds(), tgtd.showTargets());
        assertFalse(tgtd.showAccounts().contains("vbs-"), tgtd.showAccounts());
        assertFalse(blockNodes(vmTwo).contains(restored), "vm-two still has a node of " + restored);
        vbsOk("delete-volume", restored);
        vbsOk("delete-volume", volume);
        vbsOk("delete-snapshot", snapshot);

        // then nothing of them is left on vs1
        user.awaitVolumeGone(restored);
        user.awaitVolumeGone(volume);
        user.awaitSnapshotGone(snapshot);
        pool.awaitAbsent(pool.volumeFile(volume));
        pool.awaitAbsent(pool.volumeFile(restored));
        pool.awaitAbsent(pool.snapshotFile(snapshot));
        System.out.printf("attach over SSH: %d ms, detach: %d ms, snapshot: %d ms%n", attachMs, detachMs,
                snapshotMs);
    }

    @Test
    public void attachToAnInstanceNotRunningOnHv1LeavesNothingOnVs1() throws Exception {
        // given a volume on vs1
        String volume = json(vbsOk("create-volume", "--size", "1")).getString("volumeId");
        Caller user = Callers.of(server.endpoint(), server.vbsHome()).devUser();
        user.awaitVolume(volume, "available");

        // when it is attached to an instance hv1 has no QMP socket for
        Processes.Result refused = vbs("attach-volume", volume, "--host", "hv1", "--instance", "vm-absent",
                "--device", "sdb", "--wait");

        // then the CLI reports the instance as not found (the caller's to fix), and the server's log has the
        // driver's cause under the request id
        assertEquals(1, refused.exitCode(), refused.describe());
        assertTrue(refused.stderr().contains("InvalidInstanceID.NotFound") && refused.stderr().contains("vm-absent"),
                refused.describe());
        String logged = Files.readString(server.vbsHome().resolve("server/log/server.log"), StandardCharsets.UTF_8);
        assertTrue(logged.contains("instance vm-absent on host hv1 is not running: nothing listens on its QMP socket"),
                "the driver's cause in the server log");
        // and the volume is available again with no export left on vs1
        user.awaitVolume(volume, "available");
        assertEquals(List.of(), tgtd.targetIds(), tgtd.showTargets());
        assertFalse(tgtd.showAccounts().contains("vbs-"), tgtd.showAccounts());
        vbsOk("delete-volume", volume);
        user.awaitVolumeGone(volume);
        pool.awaitAbsent(pool.volumeFile(volume));
    }

    /** The host keys of a transport=ssh registration: address, user, key, a known_hosts of its own. */
    private static String sshHost(SshdProcess sshd, String name, SshKey key, Path fixtures) throws Exception {
        Path knownHosts = fixtures.resolve(name + ".known_hosts");
        write(knownHosts, sshd.knownHostsLine());
        return String.join("\n", "transport=ssh", "address=" + sshd.address(), "ssh.user=root",
                "ssh.port=" + sshd.port(), "ssh.privateKey=" + key.privateKey(), "ssh.knownHosts=" + knownHosts);
    }

    /** iscsi-inq from inside hv1, as hv1's initiator, without CHAP. */
    private Processes.Result inquireFromHv1(String target) throws Exception {
        List<String> argv = new ArrayList<>(hv1.execPrefix());
        argv.addAll(List.of("iscsi-inq", "-i", INITIATOR_HV1, "iscsi://" + tgtd.portal() + "/" + target + "/1"));
        return Processes.run(argv, Map.of("LC_ALL", "C"), CLI_PATIENCE);
    }

    /** The QEMU driver's device id: {@code vbsd-<volume>-<device>}. */
    private static String deviceId(String volume, String device) {
        return "vbsd-" + volume + "-" + device;
    }

    /** The VM's block nodes and devices, as {@code query-named-block-nodes} and {@code query-block} list them. */
    private static String blockNodes(QemuVm vm) throws Exception {
        return vm.qmp("query-named-block-nodes", null) + vm.qmp("query-block", null);
    }

    /**
     * Runs HMP {@code qemu-io -d <device> "<command>"} in the VM and returns what QEMU printed for it
     * (HMP's qemu-io prints to QEMU's output, not into the QMP answer), waiting for {@code lastLine}.
     */
    private static String qemuIo(QemuVm vm, String device, String command, String lastLine) throws Exception {
        int from = vm.log().length();
        String answer = vm.qmp("human-monitor-command",
                "{\"command-line\": \"qemu-io -d " + device + " \\\"" + command + "\\\"\"}");
        assertTrue(answer.contains("\"return\": \"\""), answer);
        return Await.until("qemu-io " + command + " on " + vm.instanceId(), Duration.ofSeconds(30), () -> {
            String printed = vm.log().substring(from);
            return printed.contains(lastLine) ? Optional.of(printed) : Optional.empty();
        }, () -> printedSince(vm, from));
    }

    private static String printedSince(QemuVm vm, int from) {
        try {
            return vm.log().substring(from);
        } catch (IOException e) {
            return "(QEMU's log is unreadable: " + e + ")";
        }
    }

    private Processes.Result vbs(String... arguments) throws Exception {
        List<String> argv = new ArrayList<>(List.of(ItConfig.cli().toString(), "--output", "json"));
        argv.addAll(List.of(arguments));
        return Processes.run(argv, Map.of("VBS_HOME", server.vbsHome().toString(),
                "VBS_URL", server.endpoint().toString()), CLI_PATIENCE);
    }

    private String vbsOk(String... arguments) throws Exception {
        Processes.Result result = vbs(arguments);
        assertEquals(0, result.exitCode(), result.describe() + "\nserver log:\n" + server.logTail());
        return result.stdout();
    }

    private <T extends AutoCloseable> T track(T resource) {
        started.add(0, resource);
        return resource;
    }

    private static void write(Path file, String... lines) throws Exception {
        Files.writeString(file, String.join("\n", lines) + "\n", StandardCharsets.UTF_8);
    }

    private static long millis(long from, long to) {
        return (to - from) / 1_000_000;
    }

    private static JsonObject json(String text) {
        try (JsonReader reader = Json.createReader(new StringReader(text))) {
            return reader.readObject();
        }
    }
}
