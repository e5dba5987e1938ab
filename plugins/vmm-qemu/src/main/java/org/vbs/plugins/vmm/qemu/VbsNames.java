package org.vbs.plugins.vmm.qemu;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.vbs.plugins.spi.ArgType;

/**
 * The names this driver gives what one attachment adds to a VM, derived from the volume id so a
 * detach (or another service node) finds them again without any stored state:
 * <ul>
 *   <li>secret object {@code vbss-<volume id>} (the CHAP password),</li>
 *   <li>block node {@code vbsn-<volume id>} (the iSCSI login; QEMU allows node names of up to 31
 *       characters: these have 26),</li>
 *   <li>device {@code vbsd-<volume id>-<guest device>} (the scsi-hd; the guest device name the user
 *       asked for is kept in the id, so {@link #parseDeviceId} recovers it).</li>
 * </ul>
 * QEMU ids may hold letters, digits, {@code - . _} only, so the guest device must be a plain name such
 * as {@code sdb} (a leading {@code /dev/} is dropped). The name is a label: which name the guest's
 * kernel gives the disk is up to the guest.
 */
record VbsNames(String volumeId, String guestDevice) {
    private static final Pattern GUEST_DEVICE = Pattern.compile("(?:/dev/)?([a-z][a-z0-9]{1,15})");
    private static final Pattern DEVICE_ID = Pattern.compile("vbsd-(vol-[0-9a-f]{17})-([a-z][a-z0-9]{1,15})");

    VbsNames {
        ArgType.VOLUME_ID.require("volumeId", volumeId);
        if (!GUEST_DEVICE.matcher(guestDevice).matches()) {
            throw new IllegalArgumentException("guest device must be a plain name such as sdb, not " + guestDevice);
        }
    }

    /** The guest device as QEMU can record it, or empty for a path it cannot ({@code /dev/disk/by-id/x}). */
    static Optional<String> plainGuestDevice(String requested) {
        Matcher m = GUEST_DEVICE.matcher(requested);
        return m.matches() ? Optional.of(m.group(1)) : Optional.empty();
    }

    static VbsNames of(String volumeId, String requestedDevice) {
        return new VbsNames(volumeId, plainGuestDevice(requestedDevice).orElseThrow(
                () -> new IllegalArgumentException("not a plain guest device name: " + requestedDevice)));
    }

    /** The names of a device id this driver made, or empty for any other device. */
    static Optional<VbsNames> parseDeviceId(String deviceId) {
        Matcher m = DEVICE_ID.matcher(deviceId);
        return m.matches() ? Optional.of(new VbsNames(m.group(1), m.group(2))) : Optional.empty();
    }

    static String secretId(String volumeId) {
        return "vbss-" + volumeId;
    }

    static String nodeName(String volumeId) {
        return "vbsn-" + volumeId;
    }

    /** The prefix of the device ids of one volume, whatever guest device it was given. */
    static String devicePrefix(String volumeId) {
        return "vbsd-" + volumeId + "-";
    }

    String secretId() {
        return secretId(volumeId);
    }

    String nodeName() {
        return nodeName(volumeId);
    }

    String deviceId() {
        return devicePrefix(volumeId) + guestDevice;
    }
}
