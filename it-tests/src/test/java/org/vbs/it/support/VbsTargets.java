package org.vbs.it.support;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.vbs.plugins.testkit.tools.TgtdProcess;

/** The iSCSI targets the service's tgt export driver made, as a test's own tgtd lists them. */
public final class VbsTargets {
    private VbsTargets() {
    }

    /** The IQN of the one target the tgtd has for the volume: {@code iqn.2026-11.org.vbs:<volume>.<8 hex>}. */
    public static String iqnOf(TgtdProcess tgtd, String volumeId) throws IOException {
        String shown = tgtd.showTargets();
        Matcher m = Pattern.compile("Target \\d+: (iqn\\.2026-11\\.org\\.vbs:" + Pattern.quote(volumeId)
                + "\\.[0-9a-f]{8})").matcher(shown);
        assertTrue(m.find(), "no target for " + volumeId + ": " + shown);
        return m.group(1);
    }
}
