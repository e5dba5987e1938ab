package org.vbs.plugins.vmm.qemu;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import org.vbs.plugins.spi.ArgType;
import org.vbs.plugins.spi.DriverConfig;
import org.vbs.plugins.spi.DriverException;
import org.vbs.plugins.spi.DriverFactory.ConfigProperty;

/**
 * The QEMU driver's configuration on one hypervisor host.
 *
 * @param qmpSocketDir where the instances' QMP sockets are: instance {@code <id>} listens on
 *        {@code <dir>/<id>.qmp} (started with {@code -qmp unix:<dir>/<id>.qmp,server=on,wait=off})
 * @param scsiController the id of the instances' virtio-scsi controller that disks are plugged into
 * @param qmpTimeout the bound on each QMP wait: the greeting, each command's answer
 * @param unplugTimeout how long a detach waits for the guest to let a device go
 */
record QemuSettings(Path qmpSocketDir, String scsiController, Duration qmpTimeout, Duration unplugTimeout) {
    static final String QMP_SOCKET_DIR = "qmpSocketDir";
    static final String SCSI_CONTROLLER = "scsiController";
    static final String QMP_TIMEOUT_MILLIS = "qmpTimeoutMillis";
    static final String UNPLUG_TIMEOUT_MILLIS = "unplugTimeoutMillis";

    static final List<ConfigProperty> PROPERTIES = List.of(
            new ConfigProperty(QMP_SOCKET_DIR, "absolute directory of the instances' QMP sockets: instance <id> at"
                    + " <dir>/<id>.qmp", true, false),
            new ConfigProperty(SCSI_CONTROLLER, "id of the instances' virtio-scsi controller (default scsi0)", false,
                    false),
            new ConfigProperty(QMP_TIMEOUT_MILLIS, "bound on each QMP wait in ms (default 30000)", false, false),
            new ConfigProperty(UNPLUG_TIMEOUT_MILLIS, "how long a detach waits for the guest to release the disk, in"
                    + " ms (default 10000)", false, false));

    QemuSettings {
        Objects.requireNonNull(qmpSocketDir, "qmpSocketDir");
        ArgType.NAME.require(SCSI_CONTROLLER, scsiController);
        Objects.requireNonNull(qmpTimeout, "qmpTimeout");
        Objects.requireNonNull(unplugTimeout, "unplugTimeout");
    }

    /** @throws DriverException {@code CONFIGURATION} naming the host and the bad property */
    static QemuSettings from(DriverConfig config) throws DriverException {
        Path dir = config.requirePath(QMP_SOCKET_DIR);
        if (!ArgType.PATH.accepts(dir.toString())) {
            throw config.invalid(QMP_SOCKET_DIR, dir.toString(), "a plain absolute path");
        }
        String controller = config.property(SCSI_CONTROLLER).orElse("scsi0");
        if (!ArgType.NAME.accepts(controller)) {
            throw config.invalid(SCSI_CONTROLLER, controller, "a QEMU device id");
        }
        return new QemuSettings(dir, controller, config.millis(QMP_TIMEOUT_MILLIS, 30_000),
                config.millis(UNPLUG_TIMEOUT_MILLIS, 10_000));
    }

    /** Where instance {@code instanceId}'s QMP socket is. */
    Path socketOf(String instanceId) {
        ArgType.INSTANCE.require("instanceId", instanceId);
        return qmpSocketDir.resolve(instanceId + ".qmp");
    }
}
