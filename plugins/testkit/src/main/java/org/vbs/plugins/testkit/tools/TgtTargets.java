package org.vbs.plugins.testkit.tools;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import org.vbs.plugins.spi.export.ExportedTarget;
import org.vbs.plugins.testkit.HypervisorTestTarget;

/**
 * Exports test volumes from a real tgtd, made with {@code tgtadm} directly (not with an export
 * driver): a sparse file as the LUN, a CHAP account bound to the target and an ACL admitting only
 * the given initiator name. For the hypervisor drivers' tests (a target to attach).
 */
public final class TgtTargets {
    public static final long VOLUME_SIZE = 16L << 20;
    private static final String HEX = "0123456789abcdef";
    private static final String ALNUM = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789";
    private static final SecureRandom RANDOM = new SecureRandom();

    private final TgtdProcess tgtd;
    private final Path dir;
    private final Map<String, Path> files = new HashMap<>();
    private int nextTid;

    public TgtTargets(TgtdProcess tgtd, Path dir) throws IOException {
        this.tgtd = tgtd;
        this.dir = Files.createDirectories(dir);
    }

    /** A new volume exported to {@code initiatorIqn} with fresh CHAP credentials. */
    public synchronized HypervisorTestTarget export(String initiatorIqn) throws IOException {
        String volumeId = newVolumeId();
        Path file = dir.resolve(volumeId + ".img");
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            raf.setLength(VOLUME_SIZE);
        }
        String tid = String.valueOf(++nextTid);
        String iqn = "iqn.2026-12.org.vbs.test:" + volumeId;
        String user = "u" + volumeId.substring(4);
        String secret = randomText(20);
        tgtd.tgtadm("--lld", "iscsi", "--mode", "target", "--op", "new", "--tid", tid, "--targetname", iqn);
        tgtd.tgtadm("--lld", "iscsi", "--mode", "logicalunit", "--op", "new", "--tid", tid, "--lun", "1",
                "--backing-store", file.toString());
        // The test's own tgtd: the account's password on tgtadm's argv is the fixture's, not the driver's way.
        tgtd.tgtadm("--lld", "iscsi", "--mode", "account", "--op", "new", "--user", user, "--password", secret);
        tgtd.tgtadm("--lld", "iscsi", "--mode", "account", "--op", "bind", "--tid", tid, "--user", user);
        tgtd.tgtadm("--lld", "iscsi", "--mode", "target", "--op", "bind", "--tid", tid, "--initiator-name",
                initiatorIqn);
        files.put(volumeId, file);
        return new HypervisorTestTarget(new ExportedTarget(iqn, tgtd.portal(), 1, volumeId), initiatorIqn, user, secret);
    }

    /** The LUN's backing file of an exported volume. */
    public synchronized Path fileOf(String volumeId) {
        return files.get(volumeId);
    }

    public static String newInitiatorIqn() {
        return "iqn.2026-12.org.vbs.test:host-" + ThreadLocalRandom.current().nextInt(1_000_000);
    }

    private static String newVolumeId() {
        StringBuilder id = new StringBuilder("vol-");
        for (int i = 0; i < 17; i++) {
            id.append(HEX.charAt(RANDOM.nextInt(16)));
        }
        return id.toString();
    }

    public static String randomText(int length) {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < length; i++) {
            text.append(ALNUM.charAt(RANDOM.nextInt(ALNUM.length())));
        }
        return text.toString();
    }
}
