package org.vbs.plugins.vmm.xen;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Which VBS volume a target name belongs to. The service core names each attachment's target with
 * the configured prefix followed by the volume id, e.g. {@code iqn.2026-11.org.vbs:vol-0123456789abcdef0}
 * (anything may follow the id after a separator, e.g. {@code -a1} for a second attachment). A name
 * without the prefix, or without a volume id right after it, is not VBS's: the driver neither lists
 * nor touches it.
 */
record VolumeIqns(String prefix) {
    private static final Pattern VOLUME = Pattern.compile("(vol-[0-9a-f]{17})(?:$|[^0-9a-f].*)");

    Optional<String> volumeOf(String iqn) {
        if (!iqn.startsWith(prefix)) {
            return Optional.empty();
        }
        Matcher m = VOLUME.matcher(iqn.substring(prefix.length()));
        return m.matches() ? Optional.of(m.group(1)) : Optional.empty();
    }
}
