package org.vbs.plugins.testkit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.stream.Collectors;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;
import org.vbs.plugins.spi.DriverException;
import org.vbs.plugins.spi.Secret;
import org.vbs.plugins.spi.export.ChapCredentials;
import org.vbs.plugins.spi.export.ExportDriver;
import org.vbs.plugins.spi.export.ExportRequest;
import org.vbs.plugins.spi.export.ExportedTarget;
import org.vbs.plugins.testkit.tools.ExecResult;
import org.vbs.plugins.testkit.tools.IscsiLogin;
import org.vbs.plugins.testkit.tools.QemuIo;

/**
 * The behaviour every {@link ExportDriver} owes the service core, as one JUnit 5 suite run against a
 * real iSCSI target on this machine and checked from the initiator side with libiscsi
 * ({@code iscsi-inq}) and QEMU ({@code qemu-io}). A driver's test extends it and supplies the driver,
 * a second driver on the same target server whose export fails midway, and listings of the server's
 * targets and CHAP accounts (to prove that a call left nothing behind).
 *
 * <p>What the suite relies on beyond the SPI's javadoc: the ACL admits the request's initiator NAME
 * (the one identity every iSCSI target can check; an address-only ACL is a driver option, tested by
 * the driver's own tests); a missing backing path is {@code NOT_FOUND}; target names carry the prefix
 * {@link #iqnPrefix()}. Every CHAP secret the suite makes is looked for in every log record written
 * during the test (java.util.logging, where {@link System.Logger} goes by default) and in every fault.
 */
public abstract class ExportDriverContract {
    /** Backing files are small: the suite checks logins and placement, not throughput. */
    protected static final long VOLUME_SIZE = 16L << 20;

    private static final String HEX = "0123456789abcdef";
    private static final String ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

    @TempDir
    Path suiteDir;

    private ExportDriver driver;
    private final List<String> secrets = new CopyOnWriteArrayList<>();
    private final List<LogRecord> records = new CopyOnWriteArrayList<>();
    private final Handler capture = new Handler() {
        @Override
        public void publish(LogRecord record) {
            records.add(record);
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };
    private Logger vbsLogger;
    private Level vbsLevel;

    /** A driver over the target server under test; called before each test. */
    protected abstract ExportDriver newDriver() throws Exception;

    /**
     * A driver on the same server whose {@code export} fails after it has made part of the target, e.g.
     * one whose CHAP account-bind command an operator template override has broken.
     */
    protected abstract ExportDriver newDriverFailingMidway() throws Exception;

    /** The names of every target the server holds now. */
    protected abstract Set<String> targetNames() throws Exception;

    /** The names of every CHAP account the server holds now. */
    protected abstract Set<String> chapAccounts() throws Exception;

    /** The prefix of the target names the driver accepts. */
    protected String iqnPrefix() {
        return "iqn.2026-11.org.vbs:";
    }

    /** The address this machine's initiator tools connect from (for the request; the ACL is by name). */
    protected String initiatorAddress() {
        return "127.0.0.1";
    }

    @BeforeEach
    final void openDriver() throws Exception {
        vbsLogger = Logger.getLogger("org.vbs");
        vbsLevel = vbsLogger.getLevel();
        vbsLogger.setLevel(Level.ALL);
        capture.setLevel(Level.ALL);
        Logger.getLogger("").addHandler(capture);
        driver = newDriver();
    }

    @AfterEach
    final void checkNoSecretWasLogged() {
        Logger.getLogger("").removeHandler(capture);
        vbsLogger.setLevel(vbsLevel);
        for (LogRecord record : records) {
            String text = render(record);
            for (String secret : secrets) {
                assertFalse(text.contains(secret), () -> "a CHAP secret is in the log record: " + record.getMessage());
            }
        }
    }

    /** The driver of the current test. */
    protected final ExportDriver driver() {
        return driver;
    }

    // ---------------------------------------------------------------- CHAP and ACL

    @Test
    void shouldAdmitTheRightChapFromTheAdmittedInitiator() throws Exception {
        Export export = newExport(false);

        ExportedTarget target = driver.export(export.request());

        assertEquals(export.request().targetIqn(), target.iqn());
        assertEquals(export.request().volumeId(), target.volumeId());
        assertLoginSucceeds(export.login(target));
    }

    @Test
    void shouldRefuseLoginsWithoutTheRightChap() throws Exception {
        Export export = newExport(false);
        ExportedTarget target = driver.export(export.request());
        IscsiLogin right = export.login(target);
        IscsiLogin anonymous = IscsiLogin.anonymous(target.portal(), target.iqn(), target.lun(), right.initiatorName());

        assertLoginRefused(anonymous, IscsiLogin.AUTHENTICATION_FAILURE);
        assertLoginRefused(anonymous.withChap(export.user(), newSecret()), IscsiLogin.AUTHENTICATION_FAILURE);
        assertLoginRefused(anonymous.withChap(newUser(), export.secret()), IscsiLogin.AUTHENTICATION_FAILURE);
        assertLoginSucceeds(right);
    }

    @Test
    void shouldRefuseAnInitiatorNameTheAclDoesNotAdmit() throws Exception {
        Export export = newExport(false);
        ExportedTarget target = driver.export(export.request());

        assertLoginRefused(export.login(target).as(newInitiatorName()), IscsiLogin.NOT_ADMITTED);
        assertLoginSucceeds(export.login(target));
    }

    @Test
    void shouldProveTheTargetToTheInitiatorWithMutualChap() throws Exception {
        Export export = newExport(true);
        ExportedTarget target = driver.export(export.request());
        IscsiLogin login = export.login(target);

        assertLoginSucceeds(login.withTargetChap(export.outgoingUser(), export.outgoingSecret()));
        assertLoginRefused(login.withTargetChap(export.outgoingUser(), newSecret()), IscsiLogin.BAD_TARGET_RESPONSE);
    }

    // ---------------------------------------------------------------- data

    @Test
    void shouldPutDataWrittenThroughTheTargetInTheBackingFile() throws Exception {
        Export export = newExport(false);
        ExportedTarget target = driver.export(export.request());
        long offset = 3L << 20;
        int length = 64 << 10;

        ExecResult io = QemuIo.run(suiteDir, target.portal(), target.iqn(), target.lun(), export.initiatorName(),
                export.user(), export.secret(), List.of("write -P 0x5a " + offset + " " + length,
                        "read -P 0x5a " + offset + " " + length));

        assertEquals(0, io.exitCode(), io.output());
        assertFalse(io.output().contains("Pattern verification failed"), io.output());
        byte[] expected = new byte[length];
        Arrays.fill(expected, (byte) 0x5a);
        assertArrayEquals(expected, readFile(export.backingPath(), offset, length));
        assertArrayEquals(new byte[4096], readFile(export.backingPath(), offset + length, 4096), "past the write");
    }

    // ---------------------------------------------------------------- unexport

    @Test
    void shouldRemoveTheTargetAndItsAccountsOnUnexport() throws Exception {
        Set<String> targetsBefore = targetNames();
        Set<String> accountsBefore = chapAccounts();
        Export export = newExport(true);
        ExportedTarget target = driver.export(export.request());
        assertTrue(targetNames().contains(target.iqn()), "exported: " + targetNames());
        assertTrue(chapAccounts().containsAll(List.of(export.user(), export.outgoingUser())), "accounts: "
                + chapAccounts());

        driver.unexport(target.iqn());

        assertEquals(targetsBefore, targetNames());
        assertEquals(accountsBefore, chapAccounts());
        assertFalse(driver.exports().stream().anyMatch(t -> t.iqn().equals(target.iqn())));
        assertLoginRefused(export.login(target), IscsiLogin.NOT_ADMITTED);
    }

    @Test
    void shouldSucceedUnexportingATargetThatDoesNotExist() throws Exception {
        Set<String> targetsBefore = targetNames();
        Set<String> accountsBefore = chapAccounts();

        driver.unexport(newTargetIqn());

        assertEquals(targetsBefore, targetNames());
        assertEquals(accountsBefore, chapAccounts());
    }

    // ---------------------------------------------------------------- failures leave nothing

    @Test
    void shouldRefuseAMissingBackingPathLeavingNothing() throws Exception {
        Set<String> targetsBefore = targetNames();
        Set<String> accountsBefore = chapAccounts();
        Export export = newExport(true);
        ExportRequest missing = export.withBackingPath(suiteDir.resolve("no-such-volume.img"));

        DriverException e = assertDriverException(DriverException.Code.NOT_FOUND, () -> driver.export(missing));

        assertMentions(e, missing.targetIqn());
        assertMentions(e, missing.backingPath().toString());
        assertNoSecretIn(e);
        assertEquals(targetsBefore, targetNames());
        assertEquals(accountsBefore, chapAccounts());
    }

    @Test
    void shouldUndoEverythingWhenAStepFailsMidway() throws Exception {
        ExportDriver failing = newDriverFailingMidway();
        Set<String> targetsBefore = targetNames();
        Set<String> accountsBefore = chapAccounts();
        Export export = newExport(true);

        DriverException e = assertDriverException(DriverException.Code.IO_ERROR, () -> failing.export(export.request()));

        assertMentions(e, export.request().targetIqn());
        assertNoSecretIn(e);
        assertEquals(0, e.getSuppressed().length, () -> "an undo step failed: " + e.getSuppressed()[0]);
        assertEquals(targetsBefore, targetNames());
        assertEquals(accountsBefore, chapAccounts());
        assertFalse(driver.exports().stream().anyMatch(t -> t.iqn().equals(export.request().targetIqn())));
    }

    @Test
    void shouldRefuseATargetNameOutsideItsPrefixBeforeMakingAnything() throws Exception {
        Set<String> targetsBefore = targetNames();
        Set<String> accountsBefore = chapAccounts();
        Export export = newExport(false);
        ExportRequest foreign = new ExportRequest("iqn.2001-04.com.example:" + export.request().volumeId(),
                export.request().volumeId(), export.backingPath(), export.initiatorName(), initiatorAddress(),
                export.request().chap());

        assertThrows(IllegalArgumentException.class, () -> driver.export(foreign));

        assertEquals(targetsBefore, targetNames());
        assertEquals(accountsBefore, chapAccounts());
    }

    // ---------------------------------------------------------------- idempotence and listing

    @Test
    void shouldReturnTheSameTargetWhenAnIqnIsExportedAgainAndRefuseItForAnotherVolume() throws Exception {
        Export export = newExport(false);
        ExportedTarget first = driver.export(export.request());
        Set<String> targetsAfterFirst = targetNames();
        Set<String> accountsAfterFirst = chapAccounts();

        ExportedTarget again = driver.export(export.request());
        Export other = newExport(false);
        ExportRequest clash = new ExportRequest(export.request().targetIqn(), other.request().volumeId(),
                other.backingPath(), other.initiatorName(), initiatorAddress(), other.request().chap());
        DriverException e = assertDriverException(DriverException.Code.ALREADY_EXISTS, () -> driver.export(clash));

        assertEquals(first, again);
        assertMentions(e, clash.targetIqn());
        assertNoSecretIn(e);
        assertEquals(targetsAfterFirst, targetNames());
        assertEquals(accountsAfterFirst, chapAccounts());
        assertLoginSucceeds(export.login(first));
    }

    @Test
    void shouldListWhatItExported() throws Exception {
        Export one = newExport(false);
        Export two = newExport(true);
        ExportedTarget first = driver.export(one.request());
        ExportedTarget second = driver.export(two.request());

        List<ExportedTarget> listed = driver.exports();
        driver.unexport(first.iqn());
        List<ExportedTarget> afterUnexport = driver.exports();

        assertTrue(listed.containsAll(List.of(first, second)), "listed: " + listed);
        assertFalse(afterUnexport.contains(first), "after unexport: " + afterUnexport);
        assertTrue(afterUnexport.contains(second), "after unexport: " + afterUnexport);
        for (ExportedTarget target : listed) {
            assertTrue(target.iqn().startsWith(iqnPrefix()), "only the driver's targets: " + target);
        }
    }

    // ---------------------------------------------------------------- concurrency

    @Test
    void shouldExportEightVolumesInParallel() throws Exception {
        int count = 8;
        List<Export> exports = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            exports.add(newExport(i % 2 == 0));
        }
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(count);
        try {
            List<Future<ExportedTarget>> futures = new ArrayList<>();
            for (Export export : exports) {
                Callable<ExportedTarget> call = () -> {
                    start.await();
                    return driver.export(export.request());
                };
                futures.add(pool.submit(call));
            }
            start.countDown();
            Set<String> names = new HashSet<>();
            for (int i = 0; i < count; i++) {
                ExportedTarget target = futures.get(i).get(120, TimeUnit.SECONDS);
                names.add(target.iqn());
                assertLoginSucceeds(exports.get(i).login(target));
            }
            assertEquals(count, names.size());
            assertTrue(targetNames().containsAll(names), "all listed: " + targetNames());
        } finally {
            pool.shutdownNow();
            assertTrue(pool.awaitTermination(60, TimeUnit.SECONDS), "the export threads ended");
        }
    }

    // ---------------------------------------------------------------- helpers for subclasses

    /**
     * One export request with fresh names and secrets over a fresh sparse backing file; its secrets
     * are remembered so that the suite can look for them in logs and faults.
     */
    protected final Export newExport(boolean mutual) throws IOException {
        String volumeId = newVolumeId();
        Path backing = suiteDir.resolve(volumeId + ".img");
        try (RandomAccessFile file = new RandomAccessFile(backing.toFile(), "rw")) {
            file.setLength(VOLUME_SIZE);
        }
        String user = newUser();
        String secret = newSecret();
        Optional<String> outgoingUser = mutual ? Optional.of(newUser()) : Optional.empty();
        Optional<String> outgoingSecret = mutual ? Optional.of(newSecret()) : Optional.empty();
        ChapCredentials chap = new ChapCredentials(user, Secret.of(secret.toCharArray()), outgoingUser,
                outgoingSecret.map(s -> Secret.of(s.toCharArray())));
        String initiator = newInitiatorName();
        ExportRequest request = new ExportRequest(newTargetIqn(), volumeId, backing, initiator, initiatorAddress(), chap);
        return new Export(request, user, secret, outgoingUser.orElse(""), outgoingSecret.orElse(""));
    }

    /** A fresh target name with the driver's prefix. */
    protected final String newTargetIqn() {
        return iqnPrefix() + "contract-" + randomHex(12);
    }

    protected static String newVolumeId() {
        return "vol-" + randomHex(17);
    }

    protected static String newInitiatorName() {
        return "iqn.2026-11.org.vbs.test:initiator-" + randomHex(8);
    }

    protected static String newUser() {
        return "vbs-" + randomHex(10);
    }

    /** A fresh CHAP secret (20 letters and digits); remembered so logs and faults are checked for it. */
    protected final String newSecret() {
        StringBuilder secret = new StringBuilder(20);
        for (int i = 0; i < 20; i++) {
            secret.append(ALNUM.charAt(ThreadLocalRandom.current().nextInt(ALNUM.length())));
        }
        secrets.add(secret.toString());
        return secret.toString();
    }

    protected static void assertLoginSucceeds(IscsiLogin login) throws IOException {
        ExecResult result = login.inquire();
        assertEquals(0, result.exitCode(), () -> login + ": " + result.output());
    }

    protected static void assertLoginRefused(IscsiLogin login, String why) throws IOException {
        ExecResult result = login.inquire();
        assertEquals(10, result.exitCode(), () -> login + " should be refused: " + result.output());
        assertTrue(result.output().contains(why), () -> login + " should be refused with '" + why + "': "
                + result.output());
    }

    /** Asserts the call fails with a {@link DriverException} of this code, and returns it. */
    protected static DriverException assertDriverException(DriverException.Code code, Executable call) {
        DriverException e = assertThrows(DriverException.class, call);
        assertEquals(code, e.code(), () -> "code of: " + e.getMessage());
        return e;
    }

    protected static void assertMentions(Exception e, String text) {
        assertTrue(String.valueOf(e.getMessage()).contains(text), () -> "message does not name " + text + ": "
                + e.getMessage());
    }

    /** Asserts no secret the suite made is in the fault, its causes or its suppressed faults. */
    protected final void assertNoSecretIn(Throwable fault) {
        Set<Throwable> seen = new HashSet<>();
        List<Throwable> todo = new ArrayList<>(List.of(fault));
        while (!todo.isEmpty()) {
            Throwable t = todo.remove(todo.size() - 1);
            if (!seen.add(t)) {
                continue;
            }
            for (String secret : secrets) {
                assertFalse(String.valueOf(t).contains(secret), () -> "a CHAP secret is in the fault: " + t.getClass());
            }
            if (t.getCause() != null) {
                todo.add(t.getCause());
            }
            todo.addAll(Arrays.asList(t.getSuppressed()));
        }
    }

    protected static byte[] readFile(Path file, long offset, int length) throws IOException {
        try (RandomAccessFile in = new RandomAccessFile(file.toFile(), "r")) {
            byte[] data = new byte[length];
            in.seek(offset);
            in.readFully(data);
            return data;
        }
    }

    private static String render(LogRecord record) {
        StringBuilder text = new StringBuilder(String.valueOf(record.getMessage()));
        if (record.getParameters() != null) {
            text.append(Arrays.stream(record.getParameters()).map(String::valueOf).collect(Collectors.joining(" ")));
        }
        for (Throwable t = record.getThrown(); t != null; t = t.getCause()) {
            text.append(' ').append(t);
        }
        return text.toString();
    }

    private static String randomHex(int digits) {
        StringBuilder hex = new StringBuilder(digits);
        for (int i = 0; i < digits; i++) {
            hex.append(HEX.charAt(ThreadLocalRandom.current().nextInt(16)));
        }
        return hex.toString();
    }

    /**
     * A request and the secrets it carries in clear, for the initiator side.
     *
     * @param outgoingUser empty unless mutual
     */
    protected record Export(ExportRequest request, String user, String secret, String outgoingUser,
                            String outgoingSecret) {
        public Path backingPath() {
            return request.backingPath();
        }

        public String initiatorName() {
            return request.initiatorIqn();
        }

        /** A login with this export's initiator name and incoming CHAP. */
        public IscsiLogin login(ExportedTarget target) {
            return IscsiLogin.anonymous(target.portal(), target.iqn(), target.lun(), initiatorName())
                    .withChap(user, secret);
        }

        public ExportRequest withBackingPath(Path path) {
            return new ExportRequest(request.targetIqn(), request.volumeId(), path, request.initiatorIqn(),
                    request.initiatorAddress(), request.chap());
        }

        @Override
        public String toString() {
            return "Export[" + request.targetIqn() + "]";
        }
    }
}
