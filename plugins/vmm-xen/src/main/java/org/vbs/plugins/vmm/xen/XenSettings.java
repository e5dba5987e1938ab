package org.vbs.plugins.vmm.xen;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import org.vbs.plugins.spi.ArgType;
import org.vbs.plugins.spi.DriverConfig;
import org.vbs.plugins.spi.DriverException;
import org.vbs.plugins.spi.DriverFactory.ConfigProperty;

/**
 * The Xen driver's configuration on one Xen host.
 *
 * @param deviceDir where udev links a logged-in LUN, as {@code ip-<portal>-iscsi-<iqn>-lun-<lun>}
 * @param iqnPrefix the prefix of the target names VBS makes (as the tgt driver's {@code iqnPrefix}); a
 *        disk whose by-path name holds an IQN with this prefix and a volume id after it is a VBS volume
 * @param deviceTimeout how long an attach waits, after the login, for the LUN's device to appear
 * @param devicePoll how often it looks
 */
record XenSettings(Path deviceDir, String iqnPrefix, Duration deviceTimeout, Duration devicePoll) {
    static final String DEVICE_DIR = "deviceDir";
    static final String IQN_PREFIX = "iqnPrefix";
    static final String DEVICE_TIMEOUT_MILLIS = "deviceTimeoutMillis";
    static final String DEVICE_POLL_MILLIS = "devicePollMillis";

    static final String DEFAULT_DEVICE_DIR = "/dev/disk/by-path";
    /** The prefix of the target names the service core makes (the tgt driver's default too). */
    static final String DEFAULT_IQN_PREFIX = "iqn.2026-11.org.vbs:";

    static final List<ConfigProperty> PROPERTIES = List.of(
            new ConfigProperty(DEVICE_DIR, "absolute directory where udev links iSCSI LUNs by path (default "
                    + DEFAULT_DEVICE_DIR + ")", false, false),
            new ConfigProperty(IQN_PREFIX, "the prefix of the target names VBS makes (default " + DEFAULT_IQN_PREFIX
                    + "); disks of other targets are never listed or touched", false, false),
            new ConfigProperty(DEVICE_TIMEOUT_MILLIS, "how long an attach waits for the LUN's device after the"
                    + " login, in ms (default 30000)", false, false),
            new ConfigProperty(DEVICE_POLL_MILLIS, "how often it looks, in ms (default 200)", false, false));

    XenSettings {
        Objects.requireNonNull(deviceDir, "deviceDir");
        Objects.requireNonNull(iqnPrefix, "iqnPrefix");
        Objects.requireNonNull(deviceTimeout, "deviceTimeout");
        Objects.requireNonNull(devicePoll, "devicePoll");
    }

    /** @throws DriverException {@code CONFIGURATION} naming the host and the bad property */
    static XenSettings from(DriverConfig config) throws DriverException {
        String dir = config.property(DEVICE_DIR).orElse(DEFAULT_DEVICE_DIR);
        if (!ArgType.PATH.accepts(dir)) {
            throw config.invalid(DEVICE_DIR, dir, "a plain absolute path");
        }
        String prefix = config.property(IQN_PREFIX).orElse(DEFAULT_IQN_PREFIX);
        if (!ArgType.IQN.accepts(prefix + "x") || !prefix.endsWith(":")) {
            throw config.invalid(IQN_PREFIX, prefix, "an IQN prefix such as " + DEFAULT_IQN_PREFIX);
        }
        return new XenSettings(Path.of(dir), prefix, config.millis(DEVICE_TIMEOUT_MILLIS, 30_000),
                config.millis(DEVICE_POLL_MILLIS, 200));
    }
}
