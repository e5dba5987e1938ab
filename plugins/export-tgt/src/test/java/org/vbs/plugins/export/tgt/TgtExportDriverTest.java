package org.vbs.plugins.export.tgt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vbs.hosts.LocalHostShell;
import org.vbs.plugins.spi.DriverConfig;
import org.vbs.plugins.spi.DriverException;
import org.vbs.plugins.spi.Secret;
import org.vbs.plugins.spi.export.ChapCredentials;
import org.vbs.plugins.spi.export.ExportDriver;
import org.vbs.plugins.spi.export.ExportRequest;
import org.vbs.plugins.spi.export.ExportedTarget;
import org.vbs.plugins.testkit.ExportDriverContract;
import org.vbs.plugins.testkit.tools.IscsiLogin;
import org.vbs.plugins.testkit.tools.TgtdProcess;

/**
 * The export contract and tgt's own behaviour against a real tgtd (Debian tgt 1.0.85) that the test
 * starts on loopback, a free port and its own control socket, driven through {@link LocalHostShell}
 * as the service drives a local volume server.
 */
class TgtExportDriverTest extends ExportDriverContract {
    private static final Pattern TARGET_LINE = Pattern.compile("^Target (\\d+): (\\S+)$", Pattern.MULTILINE);
    private static final String BROKEN_ACCOUNT_BIND =
            "tgtadm -C <control> --lld <lld> --mode account --op bind --tid <tid> --user <user>-missing";

    @TempDir
    static Path tgtdDir;

    @TempDir
    Path work;

    private static TgtdProcess tgtd;

    @BeforeAll
    static void startTgtd() throws IOException {
        tgtd = TgtdProcess.startOnLoopback(tgtdDir);
    }

    @AfterAll
    static void stopTgtd() throws IOException {
        if (tgtd != null) {
            tgtd.close();
        }
    }

    @Override
    protected ExportDriver newDriver() throws DriverException {
        return driver(Map.of(), Map.of());
    }

    /** The CHAP account bind names an account that does not exist: tgtadm fails after target, LUN and account. */
    @Override
    protected ExportDriver newDriverFailingMidway() throws DriverException {
        return driver(Map.of(), Map.of(Tgtadm.ACCOUNT_BIND, BROKEN_ACCOUNT_BIND));
    }

    @Override
    protected Set<String> targetNames() throws IOException {
        Set<String> names = new HashSet<>();
        Matcher m = TARGET_LINE.matcher(tgtd.showTargets());
        while (m.find()) {
            names.add(m.group(2));
        }
        return names;
    }

    @Override
    protected Set<String> chapAccounts() throws IOException {
        Set<String> accounts = new HashSet<>();
        for (String line : tgtd.showAccounts().split("\n")) {
            if (line.startsWith(" ") && !line.isBlank()) {
                accounts.add(line.strip());
            }
        }
        return accounts;
    }

    private static TgtExportDriver driver(Map<String, String> properties, Map<String, String> overrides)
            throws DriverException {
        Map<String, String> all = new HashMap<>(Map.of(TgtSettings.PORTAL, tgtd.portal(), TgtSettings.CONTROL,
                String.valueOf(tgtd.controlNumber())));
        all.putAll(properties);
        return TgtExportDriver.create(new DriverConfig("localhost", all, overrides), new LocalHostShell("localhost"));
    }

    // ---------------------------------------------------------------- tids

    @Test
    void shouldGiveDistinctTidsWhenTwoDriversOfOneServerExportAtOnce() throws Exception {
        // Two drivers on one tgtd are two service nodes: their locks do not exclude each other, so tids race.
        List<ExportDriver> drivers = List.of(newDriver(), newDriver());
        Set<Integer> tidsBefore = new HashSet<>(tgtd.targetIds());
        List<Export> exports = new ArrayList<>();
        for (int i = 0; i < 16; i++) {
            exports.add(newExport(false));
        }
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(exports.size());
        try {
            List<Future<ExportedTarget>> futures = new ArrayList<>();
            for (int i = 0; i < exports.size(); i++) {
                ExportDriver driver = drivers.get(i % 2);
                ExportRequest request = exports.get(i).request();
                Callable<ExportedTarget> call = () -> {
                    start.await();
                    return driver.export(request);
                };
                futures.add(pool.submit(call));
            }
            start.countDown();
            for (int i = 0; i < exports.size(); i++) {
                assertLoginSucceeds(exports.get(i).login(futures.get(i).get(120, TimeUnit.SECONDS)));
            }
        } finally {
            pool.shutdownNow();
            assertTrue(pool.awaitTermination(60, TimeUnit.SECONDS));
        }
        List<Integer> tids = tgtd.targetIds();
        assertEquals(tids.size(), new HashSet<>(tids).size(), "distinct tids: " + tids);
        Set<Integer> added = new HashSet<>(tids);
        added.removeAll(tidsBefore);
        assertEquals(16, added.size(), "one new tid per export: " + tids);
    }

    // ---------------------------------------------------------------- tgtd not running

    @Test
    void shouldRefuseAnExportButUnexportNothingWhenTgtdIsNotRunning() throws Exception {
        // given a driver whose tgtd (a control socket of its own) has stopped
        TgtdProcess stopped = TgtdProcess.startOnLoopback(tgtdDir);
        TgtExportDriver driver = driver(Map.of(TgtSettings.PORTAL, stopped.portal(), TgtSettings.CONTROL,
                String.valueOf(stopped.controlNumber())), Map.of());
        stopped.close();
        Export export = newExport(false);

        // when an export is asked for, it fails as an I/O error (retry later)
        DriverException refused = assertThrows(DriverException.class, () -> driver.export(export.request()));
        assertEquals(DriverException.Code.IO_ERROR, refused.code(), refused.getMessage());

        // then its undoing succeeds: a tgtd that is not running holds no target (they live in its memory only)
        driver.unexport(export.request().targetIqn());
        // and the listing, which claims to know, still fails
        assertEquals(DriverException.Code.IO_ERROR, assertThrows(DriverException.class, driver::exports).code());
    }

    // ---------------------------------------------------------------- ACL by address

    @Test
    void shouldAdmitAnyNameFromTheAdmittedAddressWhenTheAclIsByAddress() throws Exception {
        TgtExportDriver byAddress = driver(Map.of(TgtSettings.ACL, "address"), Map.of());
        Export here = newExport(false);
        ExportedTarget target = byAddress.export(here.request());
        Export elsewhere = newExport(false);
        ExportRequest fromElsewhere = new ExportRequest(elsewhere.request().targetIqn(), elsewhere.request().volumeId(),
                elsewhere.backingPath(), elsewhere.initiatorName(), "192.0.2.7", elsewhere.request().chap());
        ExportedTarget other = byAddress.export(fromElsewhere);

        assertLoginSucceeds(here.login(target).as(newInitiatorName()));
        assertLoginRefused(elsewhere.login(other), IscsiLogin.NOT_ADMITTED);
    }

    @Test
    void shouldRefuseAnAddressTgtCannotMatchBeforeMakingAnything() throws Exception {
        TgtExportDriver byAddress = driver(Map.of(TgtSettings.ACL, "name-or-address"), Map.of());
        Set<String> targetsBefore = targetNames();
        Set<String> accountsBefore = chapAccounts();

        for (String address : List.of("ALL", "volume-host.example", "127.0.0.1:3260", "256.1.1.1")) {
            Export export = newExport(false);
            ExportRequest request = new ExportRequest(export.request().targetIqn(), export.request().volumeId(),
                    export.backingPath(), export.initiatorName(), address, export.request().chap());

            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> byAddress.export(request));

            assertTrue(e.getMessage().contains(address), e.getMessage());
        }
        assertEquals(targetsBefore, targetNames());
        assertEquals(accountsBefore, chapAccounts());
    }

    // ---------------------------------------------------------------- secrets

    @Test
    void shouldRefuseASecretTgtadmCannotCarryWithoutShowingIt() throws Exception {
        Set<String> targetsBefore = targetNames();
        Set<String> accountsBefore = chapAccounts();

        for (String bad : List.of("short1", "has,a,comma,inside", "-looks-like-an-option", "space inside secret")) {
            Export export = newExport(false);
            ExportRequest request = new ExportRequest(export.request().targetIqn(), export.request().volumeId(),
                    export.backingPath(), export.initiatorName(), initiatorAddress(),
                    new ChapCredentials(export.user(), Secret.of(bad.toCharArray()), Optional.empty(), Optional.empty()));

            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> driver().export(request));

            assertFalse(e.getMessage().contains(bad), e.getMessage());
            assertTrue(e.getMessage().contains(export.user()), e.getMessage());
        }
        assertEquals(targetsBefore, targetNames());
        assertEquals(accountsBefore, chapAccounts());
    }

    @Test
    void shouldMaskTheSecretWhenTheAccountCommandFailsAndKeepAnAccountItDidNotMake() throws Exception {
        Export export = newExport(false);
        // Someone else's account under the same name: tgtadm refuses the new one.
        tgtd.tgtadm("--lld", "iscsi", "--mode", "account", "--op", "new", "--user", export.user(), "--password",
                "someone-elses-secret");
        try {
            Set<String> targetsBefore = targetNames();
            Set<String> accountsBefore = chapAccounts();

            DriverException e = assertDriverException(DriverException.Code.IO_ERROR,
                    () -> driver().export(export.request()));

            assertMentions(e, export.request().targetIqn());
            assertMentions(e, "create the CHAP account " + export.user());
            assertMentions(e, "--password ****");
            assertMentions(e, "this account already exists");
            assertNoSecretIn(e);
            assertEquals(targetsBefore, targetNames());
            assertEquals(accountsBefore, chapAccounts());
        } finally {
            tgtd.tgtadm("--lld", "iscsi", "--mode", "account", "--op", "delete", "--user", export.user());
        }
    }

    // ---------------------------------------------------------------- a tool that fails

    @Test
    void shouldUndoWhenATgtadmCannotEvenStart() throws Exception {
        TgtExportDriver broken = driver(Map.of(), Map.of("lunSerialCmd",
                "tgtadm-not-installed --tid <tid> --lun <lun> --params scsi_sn=<volumeId>"));
        Set<String> targetsBefore = targetNames();
        Set<String> accountsBefore = chapAccounts();
        Export export = newExport(true);

        DriverException e = assertDriverException(DriverException.Code.IO_ERROR, () -> broken.export(export.request()));

        assertMentions(e, export.request().targetIqn());
        assertMentions(e, "set the serial of LUN 1");
        assertMentions(e, "tgtadm-not-installed");
        assertNoSecretIn(e);
        assertEquals(targetsBefore, targetNames());
        assertEquals(accountsBefore, chapAccounts());
    }

    // ---------------------------------------------------------------- live sessions

    @Test
    void shouldEndALiveSessionWhenUnexporting() throws Exception {
        Set<String> accountsBefore = chapAccounts();
        Export export = newExport(false);
        ExportedTarget target = driver().export(export.request());
        ProcessBuilder builder = new ProcessBuilder("iscsi-perf", "-i", export.initiatorName(), "-t", "120", "-x", "0",
                "iscsi://" + target.portal() + "/" + target.iqn() + "/" + target.lun())
                .redirectErrorStream(true).redirectOutput(work.resolve("iscsi-perf.log").toFile());
        builder.environment().put("LIBISCSI_CHAP_USERNAME", export.user());
        builder.environment().put("LIBISCSI_CHAP_PASSWORD", export.secret());
        Process session = builder.start();
        try {
            awaitSession(target.iqn(), session);

            driver().unexport(target.iqn());

            assertFalse(targetNames().contains(target.iqn()));
            assertEquals(accountsBefore, chapAccounts());
        } finally {
            session.destroyForcibly();
            assertTrue(session.waitFor(30, TimeUnit.SECONDS), "iscsi-perf ended");
        }
    }

    // ---------------------------------------------------------------- listing

    @Test
    void shouldListNeitherForeignTargetsNorItsOwnHalfMadeOnes() throws Exception {
        int foreignTid = 60_000 + (int) (Math.random() * 1000);
        String foreign = "iqn.2001-04.com.example:not-vbs";
        String halfMade = TgtSettings.DEFAULT_IQN_PREFIX + "half-made-" + foreignTid;
        tgtd.tgtadm("--lld", "iscsi", "--mode", "target", "--op", "new", "--tid", String.valueOf(foreignTid),
                "--targetname", foreign);
        tgtd.tgtadm("--lld", "iscsi", "--mode", "target", "--op", "new", "--tid", String.valueOf(foreignTid + 1),
                "--targetname", halfMade);
        try {
            Export export = newExport(false);
            ExportedTarget made = driver().export(export.request());

            List<ExportedTarget> listed = driver().exports();

            assertTrue(listed.contains(made), "listed: " + listed);
            assertTrue(listed.stream().noneMatch(t -> t.iqn().equals(foreign) || t.iqn().equals(halfMade)),
                    "listed: " + listed);
            driver().unexport(halfMade);
            assertFalse(targetNames().contains(halfMade));
        } finally {
            tgtd.tgtadm("--lld", "iscsi", "--mode", "target", "--op", "delete", "--force", "--tid",
                    String.valueOf(foreignTid));
        }
    }

    // ---------------------------------------------------------------- configuration

    @Test
    void shouldRefuseAConfigurationItCannotUse() {
        LocalHostShell shell = new LocalHostShell("vs1");
        // Each bad configuration, and what the fault must name so the operator can fix it.
        Map<Map<String, String>, String> bad = Map.of(
                Map.of(), "'portal'",
                Map.of(TgtSettings.PORTAL, "127.0.0.1"), "address:port",
                Map.of(TgtSettings.PORTAL, "127.0.0.1:3260", TgtSettings.CONTROL, "-1"), "control number",
                Map.of(TgtSettings.PORTAL, "127.0.0.1:3260", TgtSettings.CONTROL, "two"), "two",
                Map.of(TgtSettings.PORTAL, "127.0.0.1:3260", TgtSettings.ACL, "both"), "name-or-address",
                Map.of(TgtSettings.PORTAL, "127.0.0.1:3260", TgtSettings.IQN_PREFIX, "vbs:"), "IQN prefix");
        for (Map.Entry<Map<String, String>, String> entry : bad.entrySet()) {
            DriverConfig config = new DriverConfig("vs1", entry.getKey(), Map.of());
            DriverException e = assertDriverException(DriverException.Code.CONFIGURATION,
                    () -> TgtExportDriver.create(config, shell));
            assertMentions(e, "vs1");
            assertMentions(e, entry.getValue());
        }
        Map<String, String> portal = Map.of(TgtSettings.PORTAL, "127.0.0.1:3260");
        assertMentions(assertDriverException(DriverException.Code.CONFIGURATION, () -> TgtExportDriver.create(
                new DriverConfig("vs1", portal, Map.of("targetCreateCmd", "tgtadm")), shell)), "targetCreateCmd");
        assertMentions(assertDriverException(DriverException.Code.CONFIGURATION, () -> TgtExportDriver.create(
                new DriverConfig("vs1", portal, Map.of(Tgtadm.TARGET_NEW, "tgtadm --tid <tid> --name <name>")), shell)),
                "<name>");
    }

    @Test
    void shouldDescribeItsPropertiesAndRegisterUnderItsId() throws Exception {
        TgtExportDriverFactory factory = new TgtExportDriverFactory();

        ExportDriver made = factory.create(new DriverConfig("localhost", Map.of(TgtSettings.PORTAL, tgtd.portal(),
                TgtSettings.CONTROL, String.valueOf(tgtd.controlNumber())), Map.of()), new LocalHostShell("localhost"));

        assertEquals("tgt", factory.id());
        assertEquals(ExportDriver.class, factory.kind());
        assertEquals(List.of(TgtSettings.PORTAL, TgtSettings.CONTROL, TgtSettings.LLD, TgtSettings.IQN_PREFIX,
                TgtSettings.ACL), factory.configProperties().stream().map(p -> p.name()).toList());
        assertTrue(factory.configProperties().stream().noneMatch(p -> p.secret()));
        assertTrue(factory.configProperties().get(0).required());
        assertTrue(made.exports().stream().allMatch(t -> t.portal().equals(tgtd.portal())));
    }

    // ---------------------------------------------------------------- latency (printed, never asserted)

    @Test
    void shouldExportAndUnexportFiftyTimesPrintingTheLatency() throws Exception {
        int cycles = 50;
        long[] nanos = new long[cycles];
        for (int i = 0; i < cycles; i++) {
            Export export = newExport(i % 2 == 1);
            long start = System.nanoTime();
            ExportedTarget target = driver().export(export.request());
            driver().unexport(target.iqn());
            nanos[i] = System.nanoTime() - start;
            assertFalse(targetNames().contains(target.iqn()), "cycle " + i);
        }
        Arrays.sort(nanos);
        System.out.printf("tgt export+unexport over %d cycles (half with mutual CHAP): p50 %.1f ms, p99 %.1f ms,"
                + " max %.1f ms%n", cycles, nanos[cycles / 2] / 1e6, nanos[(int) Math.ceil(cycles * 0.99) - 1] / 1e6,
                nanos[cycles - 1] / 1e6);
    }

    private void awaitSession(String iqn, Process session) throws IOException, InterruptedException {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(20));
        while (Instant.now().isBefore(deadline)) {
            Optional<TgtTarget> target = TargetListing.parse(tgtd.showTargets()).byIqn(iqn);
            if (target.isPresent() && !target.get().sessions().isEmpty()) {
                return;
            }
            assertTrue(session.isAlive(), "iscsi-perf exited before logging in; see " + work.resolve("iscsi-perf.log"));
            Thread.sleep(20);
        }
        throw new AssertionError("no session on " + iqn + " within 20 s");
    }
}
