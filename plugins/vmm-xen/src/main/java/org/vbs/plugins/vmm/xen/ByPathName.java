package org.vbs.plugins.vmm.xen;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.vbs.plugins.spi.ArgType;

/**
 * The name udev gives a logged-in iSCSI LUN under {@code /dev/disk/by-path} (systemd's path_id:
 * {@code ip-<address>:<port>-iscsi-<target name>-lun-<lun>}), e.g.
 * {@code ip-192.0.2.10:3260-iscsi-iqn.2026-11.org.vbs:vol-0123456789abcdef0-lun-1}. The driver
 * computes it to find the device a login made, and parses it back to tell which target a Xen disk
 * is on.
 */
record ByPathName(String portal, String iqn, int lun) {
    // The portal holds no "-iscsi-" and the name ends with the LUN, so the IQN is what lies between.
    private static final Pattern NAME = Pattern.compile("ip-(.+?)-iscsi-(iqn\\..+)-lun-([0-9]{1,3})");

    ByPathName {
        ArgType.HOST.require("portal", portal);
        ArgType.IQN.require("iqn", iqn);
        if (lun < 0 || lun > 255) {
            throw new IllegalArgumentException("lun must be 0..255: " + lun);
        }
    }

    String fileName() {
        return "ip-" + portal + "-iscsi-" + iqn + "-lun-" + lun;
    }

    /** The target of a by-path name, or empty for a name of another kind (a local disk, FC, ...). */
    static Optional<ByPathName> parse(String fileName) {
        Matcher m = NAME.matcher(fileName);
        if (!m.matches() || !ArgType.HOST.accepts(m.group(1)) || !ArgType.IQN.accepts(m.group(2))) {
            return Optional.empty();
        }
        int lun = Integer.parseInt(m.group(3));
        return lun <= 255 ? Optional.of(new ByPathName(m.group(1), m.group(2), lun)) : Optional.empty();
    }
}
