package org.vbs.plugins.vmm.xen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.vbs.plugins.spi.DriverException;
import org.vbs.plugins.spi.Secret;
import org.vbs.plugins.spi.export.ChapCredentials;
import org.vbs.plugins.spi.export.ExportedTarget;
import org.vbs.plugins.spi.hypervisor.AttachedDevice;
import org.vbs.plugins.spi.hypervisor.HypervisorDriver;
import org.vbs.plugins.testkit.HypervisorDriverContract;
import org.vbs.plugins.testkit.HypervisorTestTarget;

/**
 * The Xen driver against FAKES of {@code xl}, {@code xenstore-read} and {@code iscsiadm}
 * ({@link FakeXl}, {@link FakeXenstoreRead}, {@link FakeIscsiadm}): no Xen hypervisor can run on the
 * build machines and their kernel's iSCSI initiator does not load. The fakes record every call and
 * keep the host's state (node records, sessions, LUN devices, the domains' disks) as the real tools
 * would change it; their targets check the CHAP settings and initiator name a login is made with.
 *
 * <p>The compliance suite runs in full against them: its hooks are met by fake domains and fake
 * targets, and its "left behind" listing is the fakes' state. On top: the exact argv of every step,
 * mutual CHAP, a failure injected at every step of an attach with the undo it leaves, listings from
 * output captured from a real xl, hostile values refused before anything runs, and the secret kept
 * out of every message. What the fakes cannot show, and no test here claims: that a real xl, iscsiadm
 * and udev behave as played (the messages and exit codes are taken from their sources).
 */
class XenHypervisorDriverTest extends HypervisorDriverContract {
    private static final String INITIATOR = "iqn.2026-12.org.vbs.test:dom0-" + FakeDom0.hex(6);

    @TempDir
    static Path work;

    private FakeDom0 dom0;

    @Override
    protected HypervisorDriver newDriver() throws Exception {
        dom0 = new FakeDom0(work.resolve("dom0-" + System.nanoTime()));
        return dom0.driver();
    }

    @Override
    protected String startInstance() {
        return dom0.startDomain();
    }

    @Override
    protected HypervisorTestTarget newTarget() {
        return dom0.newTarget(INITIATOR);
    }

    @Override
    protected Set<String> instanceObjects(String instanceId) throws Exception {
        return dom0.objects(instanceId);
    }

    // ---------------------------------------------------------------- the exact commands

    @Test
    void shouldRunEveryStepOfAnAttachAndADetachWithTheTemplatesArgv() throws Exception {
        String domain = dom0.startDomain();
        HypervisorTestTarget target = newTarget();
        String iqn = target.target().iqn();
        String device = dom0.deviceDir().resolve("ip-127.0.0.1:3260-iscsi-" + iqn + "-lun-1").toString();
        String backend = "/local/domain/0/backend/vbd/1/51728";

        AttachedDevice attached = driver().attach(request(domain, "xvdb", target, target.chap()));

        assertEquals(new AttachedDevice(domain, "xvdb", target.volumeId()), attached);
        assertEquals(List.of(
                List.of("xl", "domid", domain),
                List.of("xl", "block-list", domain),
                List.of("iscsiadm", "-m", "node"),
                node(iqn, "-o", "new"),
                node(iqn, "-o", "update", "-n", "iface.initiatorname", "-v", INITIATOR),
                node(iqn, "-o", "update", "-n", "node.session.auth.authmethod", "-v", "CHAP"),
                node(iqn, "-o", "update", "-n", "node.session.auth.username", "-v", target.chapUser()),
                node(iqn, "-o", "update", "-n", "node.session.auth.password", "-v", target.chapSecret()),
                node(iqn, "--login"),
                List.of("xl", "block-attach", domain, "phy:" + device, "xvdb", "w")), dom0.calls());
        assertEquals(Set.of("disk|" + domain + "|xvdb", "node|" + iqn + "|" + FakeDom0.PORTAL,
                "session|" + iqn + "|" + FakeDom0.PORTAL, "device|ip-127.0.0.1:3260-iscsi-" + iqn + "-lun-1"),
                withoutNodeSettings(dom0.objects(domain)));
        assertTrue(dom0.stdins().stream().allMatch(String::isEmpty), "no command reads stdin");
        dom0.clearCalls();

        driver().detach(domain, target.volumeId());

        assertEquals(List.of(
                List.of("xl", "domid", domain),
                List.of("xl", "block-list", domain),
                List.of("xenstore-read", backend + "/params", backend + "/dev"),
                List.of("xl", "block-detach", domain, "xvdb"),
                List.of("iscsiadm", "-m", "node"),
                node(iqn, "--logout"),
                node(iqn, "-o", "delete")), dom0.calls());
        assertEquals(Set.of(), dom0.objects(domain));
    }

    @Test
    void shouldSetTheMutualChapAccountOnTheNodeAndLogInWithIt() throws Exception {
        String domain = dom0.startDomain();
        HypervisorTestTarget target = newTarget();
        String iqn = target.target().iqn();
        dom0.set("target." + iqn + ".userIn", "target-user");
        dom0.set("target." + iqn + ".secretIn", "targetSecret0123");

        driver().attach(request(domain, "xvdc", target, mutual(target, "target-user", "targetSecret0123")));

        List<List<String>> calls = dom0.calls();
        assertTrue(calls.contains(node(iqn, "-o", "update", "-n", "node.session.auth.username_in", "-v",
                "target-user")), calls.toString());
        assertTrue(calls.contains(node(iqn, "-o", "update", "-n", "node.session.auth.password_in", "-v",
                "targetSecret0123")), calls.toString());
        assertTrue(calls.indexOf(node(iqn, "--login")) > calls.indexOf(node(iqn, "-o", "update", "-n",
                "node.session.auth.password_in", "-v", "targetSecret0123")), "mutual CHAP is set before the login");
        assertEquals("targetSecret0123", dom0.state().getProperty("node|" + iqn + "|" + FakeDom0.PORTAL
                + "|node.session.auth.password_in"));
        assertEquals(List.of(new AttachedDevice(domain, "xvdc", target.volumeId())), driver().devices(domain));
    }

    @Test
    void shouldFailTheLoginWhenTheTargetWantsMutualChapAndTheRequestHasNone() throws Exception {
        String domain = dom0.startDomain();
        HypervisorTestTarget target = newTarget();
        dom0.set("target." + target.target().iqn() + ".userIn", "target-user");
        dom0.set("target." + target.target().iqn() + ".secretIn", "targetSecret0123");
        Set<String> before = dom0.objects(domain);

        DriverException e = assertDriverException(DriverException.Code.IO_ERROR,
                () -> driver().attach(request(domain, "xvdb", target, target.chap())));

        assertMentions(e, "login failed", "authorization failure", target.volumeId(), domain);
        assertEquals(before, dom0.objects(domain));
    }

    // ---------------------------------------------------------------- a failure at every step

    @ParameterizedTest
    @ValueSource(strings = {"new", "update.iface.initiatorname", "update.node.session.auth.authmethod",
            "update.node.session.auth.username", "update.node.session.auth.password",
            "update.node.session.auth.username_in", "update.node.session.auth.password_in", "login", "device wait",
            "block-attach"})
    void shouldUndoTheBegunStepsNewestFirstWhenAStepFails(String failing) throws Exception {
        String domain = dom0.startDomain();
        HypervisorTestTarget target = newTarget();
        String iqn = target.target().iqn();
        dom0.set("target." + iqn + ".userIn", "target-user");
        dom0.set("target." + iqn + ".secretIn", "targetSecret0123");
        Set<String> before = dom0.everything();
        if (failing.equals("device wait")) {
            dom0.set("device.never", "true");
        } else if (failing.equals("block-attach")) {
            dom0.set("fail.xl.block-attach", "1");
            dom0.set("fail.xl.block-attach.message", "libxl_device_disk_add failed.");
        } else {
            dom0.set("fail.iscsiadm." + failing, failing.equals("login") ? "8" : "7");
            dom0.set("fail.iscsiadm." + failing + ".message", "iscsiadm: injected failure of " + failing);
        }

        DriverException e = assertDriverException(DriverException.Code.IO_ERROR, () -> driver().attach(
                request(domain, "xvdb", target, mutual(target, "target-user", "targetSecret0123"))));

        String step = switch (failing) {
            case "new" -> "node new";
            case "update.iface.initiatorname" -> "initiator name";
            case "login", "device wait", "block-attach" -> failing;
            default -> "CHAP " + failing.substring("update.node.session.auth.".length());
        };
        assertMentions(e, ": " + step + " failed", target.volumeId(), domain);
        assertHidesSecrets(e, target.chapSecret(), "targetSecret0123");
        List<List<String>> undo = new ArrayList<>();
        if (failing.equals("block-attach")) {
            undo.add(List.of("xl", "block-detach", domain, "xvdb"));
        }
        if (List.of("login", "device wait", "block-attach").contains(failing)) {
            undo.add(node(iqn, "--logout"));
        }
        undo.add(node(iqn, "-o", "delete"));
        List<List<String>> calls = dom0.calls();
        assertEquals(undo, calls.subList(calls.size() - undo.size(), calls.size()), calls.toString());
        assertEquals(before, dom0.everything(), "no record, session, device or disk is left");
        assertEquals(List.of(), driver().devices(domain));
    }

    @Test
    void shouldNameTheDeviceAndTheTimeoutWhenTheLunsDeviceNeverAppears() throws Exception {
        String domain = dom0.startDomain();
        HypervisorTestTarget target = newTarget();
        dom0.set("device.never", "true");

        DriverException e = assertDriverException(DriverException.Code.IO_ERROR,
                () -> driver().attach(request(domain, "xvdb", target, target.chap())));

        assertMentions(e, "device wait failed", dom0.deviceDir().resolve("ip-127.0.0.1:3260-iscsi-"
                + target.target().iqn() + "-lun-1").toString(), "within 1500 ms");
    }

    @Test
    void shouldReportAnUndoThatFailsTooAlongWithTheFailure() throws Exception {
        String domain = dom0.startDomain();
        HypervisorTestTarget target = newTarget();
        dom0.set("fail.xl.block-attach", "1");
        dom0.set("fail.iscsiadm.logout", "2");
        dom0.set("fail.iscsiadm.logout.message", "iscsiadm: session busy");

        DriverException e = assertDriverException(DriverException.Code.IO_ERROR,
                () -> driver().attach(request(domain, "xvdb", target, target.chap())));

        assertMentions(e, "block-attach failed", "undoing it failed", "logout failed", "session busy");
        List<List<String>> calls = dom0.calls();
        assertEquals(node(target.target().iqn(), "-o", "delete"), calls.get(calls.size() - 1),
                "the undo goes on past a failed step");
    }

    @Test
    void shouldClearTheSessionAnAttachThatDiedHalfWayLeftAndAttach() throws Exception {
        String domain = dom0.startDomain();
        HypervisorTestTarget target = newTarget();
        String iqn = target.target().iqn();
        // What a service node that crashed between the login and the block-attach leaves on dom0: here an
        // attach whose block-attach failed and whose undo could neither log out nor delete the record.
        dom0.set("fail.xl.block-attach", "1");
        dom0.set("fail.iscsiadm.logout", "2");
        dom0.set("fail.iscsiadm.delete", "2");
        assertDriverException(DriverException.Code.IO_ERROR,
                () -> driver().attach(request(domain, "xvdb", target, target.chap())));
        assertTrue(dom0.state().containsKey("session|" + iqn + "|" + FakeDom0.PORTAL), "the session is left");
        dom0.remove("fail.xl.block-attach");
        dom0.remove("fail.iscsiadm.logout");
        dom0.remove("fail.iscsiadm.delete");
        dom0.clearCalls();

        AttachedDevice attached = driver().attach(request(domain, "xvdb", target, target.chap()));

        assertEquals(List.of(attached), driver().devices(domain));
        List<List<String>> calls = dom0.calls();
        assertEquals(List.of(List.of("iscsiadm", "-m", "node"), node(iqn, "--logout"), node(iqn, "-o", "delete"),
                node(iqn, "-o", "new")), calls.subList(2, 6));
    }

    @Test
    void shouldPutEachSecretIntoTheArgvOfItsOwnIscsiadmUpdateOnly() throws Exception {
        String domain = dom0.startDomain();
        HypervisorTestTarget target = newTarget();
        String iqn = target.target().iqn();
        dom0.set("target." + iqn + ".userIn", "target-user");
        dom0.set("target." + iqn + ".secretIn", "targetSecret0123");

        driver().attach(request(domain, "xvdb", target, mutual(target, "target-user", "targetSecret0123")));
        driver().detach(domain, target.volumeId());

        List<List<String>> holding = dom0.calls().stream().filter(c -> c.contains(target.chapSecret())
                || c.contains("targetSecret0123")).toList();
        assertEquals(List.of(
                node(iqn, "-o", "update", "-n", "node.session.auth.password", "-v", target.chapSecret()),
                node(iqn, "-o", "update", "-n", "node.session.auth.password_in", "-v", "targetSecret0123")), holding);
    }

    @Test
    void shouldAttachTwoVolumesToOneDomainAtTheSameTime() throws Exception {
        String domain = dom0.startDomain();
        HypervisorTestTarget first = newTarget();
        HypervisorTestTarget second = newTarget();
        ExecutorService threads = Executors.newFixedThreadPool(2);
        CyclicBarrier together = new CyclicBarrier(2);
        try {
            Future<AttachedDevice> one = threads.submit(() -> {
                together.await(10, TimeUnit.SECONDS);
                return driver().attach(request(domain, "xvdb", first, first.chap()));
            });
            Future<AttachedDevice> two = threads.submit(() -> {
                together.await(10, TimeUnit.SECONDS);
                return driver().attach(request(domain, "xvdc", second, second.chap()));
            });

            assertEquals(Set.of(one.get(60, TimeUnit.SECONDS), two.get(60, TimeUnit.SECONDS)),
                    Set.copyOf(driver().devices(domain)));
        } finally {
            threads.shutdownNow();
        }
    }

    @Test
    void shouldMaskTheSecretWhenIscsiadmEchoesIt() throws Exception {
        String domain = dom0.startDomain();
        HypervisorTestTarget target = newTarget();
        dom0.set("fail.iscsiadm.update.node.session.auth.password", "7");
        dom0.set("fail.iscsiadm.update.node.session.auth.password.message", "iscsiadm: cannot set password to "
                + target.chapSecret());

        DriverException e = assertDriverException(DriverException.Code.IO_ERROR,
                () -> driver().attach(request(domain, "xvdb", target, target.chap())));

        assertMentions(e, "CHAP password failed", "-v ****", "cannot set password to ****");
        assertHidesSecrets(e, target.chapSecret());
    }

    // ---------------------------------------------------------------- detach

    @Test
    void shouldDetachTwiceWithoutRunningAnythingTheSecondTime() throws Exception {
        String domain = dom0.startDomain();
        HypervisorTestTarget target = newTarget();
        driver().attach(request(domain, "xvdb", target, target.chap()));
        driver().detach(domain, target.volumeId());
        dom0.clearCalls();

        driver().detach(domain, target.volumeId());

        assertEquals(List.of(List.of("xl", "domid", domain), List.of("xl", "block-list", domain),
                List.of("iscsiadm", "-m", "node")), dom0.calls());
    }

    @Test
    void shouldEndTheVolumesSessionWhenTheDomainIsGone() throws Exception {
        String domain = dom0.startDomain();
        HypervisorTestTarget target = newTarget();
        driver().attach(request(domain, "xvdb", target, target.chap()));
        dom0.destroyDomain(domain);

        driver().detach(domain, target.volumeId());

        assertEquals(Set.of("disk|" + domain + "|xvdb"), withoutNodeSettings(dom0.everything()),
                "no session, record or device; the dead domain's disk entry is the fake's only memory of it");
        assertMentions(assertDriverException(DriverException.Code.NOT_FOUND, () -> driver().devices(domain)), domain);
    }

    @Test
    void shouldLeaveOtherVolumesSessionsAlone() throws Exception {
        String domain = dom0.startDomain();
        HypervisorTestTarget first = newTarget();
        HypervisorTestTarget second = newTarget();
        driver().attach(request(domain, "xvdb", first, first.chap()));
        driver().attach(request(domain, "xvdc", second, second.chap()));

        driver().detach(domain, first.volumeId());

        assertTrue(dom0.state().containsKey("session|" + second.target().iqn() + "|" + FakeDom0.PORTAL));
        assertFalse(dom0.state().containsKey("session|" + first.target().iqn() + "|" + FakeDom0.PORTAL));
    }

    @Test
    void shouldFailADetachWhoseBlockDetachFailsAndKeepTheSession() throws Exception {
        String domain = dom0.startDomain();
        HypervisorTestTarget target = newTarget();
        driver().attach(request(domain, "xvdb", target, target.chap()));
        dom0.set("fail.xl.block-detach", "1");
        dom0.set("fail.xl.block-detach.message", "libxl_device_disk_remove failed.");
        Set<String> before = dom0.objects(domain);

        DriverException e = assertDriverException(DriverException.Code.IO_ERROR,
                () -> driver().detach(domain, target.volumeId()));

        assertMentions(e, target.volumeId(), domain, "block-detach failed", "libxl_device_disk_remove failed.");
        assertEquals(before, dom0.objects(domain), "the guest still has the disk, so the login stays");
    }

    // ---------------------------------------------------------------- listing from captured output

    @Test
    void shouldMapTheDisksOfARealBlockListToVolumesThroughTheirByPathDevices() throws Exception {
        HypervisorDriver onDevDisk = dom0.driver(Map.of(XenSettings.DEVICE_DIR, "/dev/disk/by-path"), Map.of());
        String domain = dom0.startDomain();
        String volume = "vol-0123456789abcdef0";
        // Captured from xl 4.16 (xen-devel, "xen-blkfront crash on xl block-detach"), trailing blanks included.
        dom0.set("blockList." + domain, "Vdev  BE  handle state evt-ch ring-ref BE-path                       \n"
                + "51712 0   241    4     -1     -1       /local/domain/0/backend/vbd/241/51712\n"
                + "51728 0   241    4     -1     -1       /local/domain/0/backend/vbd/241/51728\n"
                + "51744 0   241    4     -1     -1       /local/domain/0/backend/vbd/241/51744\n"
                + "51760 0   241    4     -1     -1       /local/domain/0/backend/vbd/241/51760\n");
        xenstore("51712", "/dev/vg0/" + domain + "-root", "xvda");
        xenstore("51728", "/dev/disk/by-path/ip-192.0.2.10:3260-iscsi-iqn.2026-11.org.vbs:" + volume + "-lun-1",
                "xvdb");
        xenstore("51744", "/dev/disk/by-path/ip-192.0.2.11:3260-iscsi-iqn.2010-10.org.other:disk7-lun-0", "xvdc");
        xenstore("51760", "phy:/dev/disk/by-path/ip-192.0.2.10:3260-iscsi-iqn.2026-11.org.vbs:vol-00000000000000abc"
                + "-a2-lun-1", "sdd");

        List<AttachedDevice> devices = onDevDisk.devices(domain);

        assertEquals(List.of(new AttachedDevice(domain, "xvdb", volume),
                new AttachedDevice(domain, "sdd", "vol-00000000000000abc")), devices);
    }

    @Test
    void shouldFailTheListingOnOutputThatIsNotXls() throws Exception {
        String domain = dom0.startDomain();
        dom0.set("blockList." + domain, "Vdev  BE  handle state evt-ch ring-ref BE-path\nsomething else entirely\n");

        DriverException e = assertDriverException(DriverException.Code.IO_ERROR, () -> driver().devices(domain));

        assertMentions(e, domain, "not a row of xl block-list: 'something else entirely'");
    }

    // ---------------------------------------------------------------- refused before anything runs

    @Test
    void shouldRefuseHostileInstanceIdsBeforeRunningAnything() throws Exception {
        for (String hostile : List.of("--help", "vm;reboot", "../vm", "vm 2", "", "-xvdb")) {
            assertThrows(IllegalArgumentException.class, () -> driver().detach(hostile, newVolumeId()), hostile);
            assertThrows(IllegalArgumentException.class, () -> driver().devices(hostile), hostile);
        }
        assertThrows(IllegalArgumentException.class, () -> driver().detach("vm-1", "vol-1; rm"));

        assertEquals(List.of(), dom0.calls());
    }

    @Test
    void shouldRefuseGuestDevicesXlCannotNameBeforeRunningAnything() throws Exception {
        String domain = dom0.startDomain();
        HypervisorTestTarget target = newTarget();
        for (String device : List.of("/dev/disk/by-id/x", "vdb", "xvdb1234", "xvdb/part1")) {
            DriverException e = assertDriverException(DriverException.Code.UNSUPPORTED,
                    () -> driver().attach(request(domain, device, target, target.chap())));
            assertMentions(e, device, target.volumeId());
        }
        for (String hostile : List.of("xvdb w", "-xvdb", "xvdb,w", "", "sdb/../../etc")) {
            assertThrows(IllegalArgumentException.class, () -> request(domain, hostile, target, target.chap()));
        }

        assertEquals(List.of(), dom0.calls());
    }

    @Test
    void shouldRefuseAPortalTheDevicePathCannotCarryBeforeRunningAnything() throws Exception {
        String domain = dom0.startDomain();
        String volume = newVolumeId();
        HypervisorTestTarget target = new HypervisorTestTarget(new ExportedTarget(XenSettings.DEFAULT_IQN_PREFIX
                + volume, "[fd00::10]:3260", 1, volume), INITIATOR, "user", "secret0123456789");

        assertThrows(IllegalArgumentException.class,
                () -> driver().attach(request(domain, "xvdb", target, target.chap())));

        assertEquals(List.of(), dom0.calls());
    }

    @Test
    void shouldRefuseASecretIscsiadmsArgvIsNotGivenWithoutShowingIt() throws Exception {
        String domain = dom0.startDomain();
        HypervisorTestTarget target = newTarget();
        ChapCredentials odd = new ChapCredentials(target.chapUser(), Secret.of("s3cret with spaces".toCharArray()),
                Optional.empty(), Optional.empty());

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> driver().attach(request(domain, "xvdb", target, odd)));

        assertFalse(e.getMessage().contains("s3cret"), e.getMessage());
        assertMentions(e, target.volumeId());
        assertEquals(List.of(), dom0.calls());
    }

    @Test
    void shouldRefuseATargetWhoseNameDoesNotLeadBackToTheVolume() throws Exception {
        String domain = dom0.startDomain();
        String volume = newVolumeId();
        HypervisorTestTarget target = new HypervisorTestTarget(new ExportedTarget("iqn.2010-10.org.other:" + volume,
                FakeDom0.PORTAL, 1, volume), INITIATOR, "user", "secret0123456789");

        DriverException e = assertDriverException(DriverException.Code.CONFIGURATION,
                () -> driver().attach(request(domain, "xvdb", target, target.chap())));

        assertMentions(e, "iqn.2010-10.org.other:" + volume, XenSettings.DEFAULT_IQN_PREFIX);
        assertEquals(List.of(), dom0.calls());
    }

    @Test
    void shouldRefuseAttachingAVolumeTwiceAndKeepTheFirstAttachment() throws Exception {
        String domain = dom0.startDomain();
        HypervisorTestTarget target = newTarget();
        AttachedDevice first = driver().attach(request(domain, "xvdb", target, target.chap()));
        Set<String> before = dom0.objects(domain);

        DriverException e = assertDriverException(DriverException.Code.ALREADY_EXISTS,
                () -> driver().attach(request(domain, "xvdc", target, target.chap())));

        assertMentions(e, target.volumeId(), domain, "xvdb");
        assertEquals(List.of(first), driver().devices(domain));
        assertEquals(before, dom0.objects(domain));
    }

    // ---------------------------------------------------------------- the default device check

    @Test
    void shouldNotTakeARegularFileForTheLunsBlockDeviceWithTheDefaultCheck() throws Exception {
        HypervisorDriver strict = dom0.driver(Map.of(XenSettings.DEVICE_TIMEOUT_MILLIS, "300"),
                Map.of("deviceCheckCmd", "test -b <dev>"));
        String domain = dom0.startDomain();
        HypervisorTestTarget target = newTarget();

        DriverException e = assertDriverException(DriverException.Code.IO_ERROR,
                () -> strict.attach(request(domain, "xvdb", target, target.chap())));

        assertMentions(e, "device wait failed", "was not a block device within 300 ms", "test -b");
        assertEquals(Set.of(), dom0.objects(domain));
    }

    // ---------------------------------------------------------------- helpers

    private static List<String> node(String iqn, String... rest) {
        List<String> argv = new ArrayList<>(List.of("iscsiadm", "-m", "node", "-T", iqn, "-p", FakeDom0.PORTAL));
        argv.addAll(List.of(rest));
        return argv;
    }

    private static Set<String> withoutNodeSettings(Set<String> objects) {
        return objects.stream().filter(o -> !(o.startsWith("node|") && o.split("\\|").length > 3))
                .collect(java.util.stream.Collectors.toSet());
    }

    private void xenstore(String vdev, String params, String dev) {
        dom0.set("xenstore./local/domain/0/backend/vbd/241/" + vdev + "/params", params);
        dom0.set("xenstore./local/domain/0/backend/vbd/241/" + vdev + "/dev", dev);
    }

    private static ChapCredentials mutual(HypervisorTestTarget target, String user, String secret) {
        return new ChapCredentials(target.chapUser(), Secret.of(target.chapSecret().toCharArray()), Optional.of(user),
                Optional.of(Secret.of(secret.toCharArray())));
    }
}
