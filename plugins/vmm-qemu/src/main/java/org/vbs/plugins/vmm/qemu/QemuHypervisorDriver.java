package org.vbs.plugins.vmm.qemu;

import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.vbs.plugins.spi.ArgType;
import org.vbs.plugins.spi.DriverException;
import org.vbs.plugins.spi.export.ChapCredentials;
import org.vbs.plugins.spi.export.ExportedTarget;
import org.vbs.plugins.spi.hypervisor.AttachedDevice;
import org.vbs.plugins.spi.hypervisor.DeviceAttachRequest;
import org.vbs.plugins.spi.hypervisor.HypervisorDriver;

/**
 * Attaches iSCSI volumes to running QEMU instances over QMP, with QEMU's own iSCSI initiator
 * (libiscsi): no kernel initiator and no block device on the host.
 *
 * <p>Attach, in three QMP commands on one session: {@code object-add} of a {@code secret} object
 * holding the CHAP password (sent over the QMP socket, never in an argv or a log),
 * {@code blockdev-add} of an {@code iscsi} node that logs in with it, {@code device_add} of a
 * {@code scsi-hd} on the instance's virtio-scsi bus. If a step fails, whatever this attach may have
 * added is removed again (device, node, secret), so a failed attach leaves nothing in the VM.
 * Names come from the volume id ({@link VbsNames}), so nothing needs remembering between calls.
 *
 * <p>Detach: {@code device_del}, wait (bounded) for QEMU's {@code DEVICE_DELETED}, then
 * {@code blockdev-del} and {@code object-del}; whatever is already gone is skipped, so a detach may
 * be repeated. An instance that is not running has nothing attached: detaching from it succeeds,
 * while {@link #devices} and {@link #attach} fail with {@code NOT_FOUND}.
 *
 * <p>QEMU's iSCSI driver has no mutual CHAP: {@link #supportsMutualChap()} is false and an attach
 * asking for it is refused ({@code UNSUPPORTED}) before anything is touched.
 */
public final class QemuHypervisorDriver implements HypervisorDriver {
    private static final System.Logger LOG = System.getLogger(QemuHypervisorDriver.class.getName());

    private final QemuSettings settings;
    private final QmpConnector connector;
    private final String host;

    QemuHypervisorDriver(QemuSettings settings, QmpConnector connector, String host) {
        this.settings = settings;
        this.connector = connector;
        this.host = host;
    }

    @Override
    public boolean supportsMutualChap() {
        return false;
    }

    @Override
    public AttachedDevice attach(DeviceAttachRequest request) throws DriverException {
        String instance = request.instanceId();
        String volume = request.volumeId();
        String what = "volume " + volume + " to instance " + instance + " on host " + host;
        if (request.chap().mutual()) {
            throw new DriverException(DriverException.Code.UNSUPPORTED, "cannot attach " + what
                    + " with mutual CHAP: QEMU's iSCSI driver cannot check the target's identity");
        }
        Optional<String> guestDevice = VbsNames.plainGuestDevice(request.device());
        if (guestDevice.isEmpty()) {
            throw new DriverException(DriverException.Code.UNSUPPORTED, "cannot attach " + what + " as "
                    + request.device() + ": QEMU can only label the disk with a plain device name such as sdb");
        }
        VbsNames names = new VbsNames(volume, guestDevice.get());
        QmpClient session;
        try {
            session = connector.open(instance);
        } catch (DriverException e) {
            throw new DriverException(e.code(), "cannot attach " + what + ": QMP connect failed: " + e.getMessage(), e);
        }
        try (QmpClient qmp = session) {
            List<String> existing = deviceIdsOf(qmp, volume, "cannot attach " + what);
            if (!existing.isEmpty()) {
                throw new DriverException(DriverException.Code.ALREADY_EXISTS, "cannot attach " + what
                        + ": it is already attached there as " + existing);
            }
            // Without a device, a block node or secret of this volume is what an attach left when it
            // died half-way (e.g. the service node crashed): clear it, or object-add would refuse.
            removeAll(qmp, volume, "cannot attach " + what + ": cannot clear what an earlier attach left");
            plug(qmp, names, request, what);
        }
        LOG.log(System.Logger.Level.INFO, "attached {0} as {1}", what, names.deviceId());
        return new AttachedDevice(instance, names.guestDevice(), volume);
    }

    @Override
    public void detach(String instanceId, String volumeId) throws DriverException {
        ArgType.INSTANCE.require("instanceId", instanceId);
        ArgType.VOLUME_ID.require("volumeId", volumeId);
        String what = "volume " + volumeId + " from instance " + instanceId + " on host " + host;
        QmpClient session;
        try {
            session = connector.open(instanceId);
        } catch (DriverException e) {
            if (e.code() == DriverException.Code.NOT_FOUND) {
                // A VM that is not running holds no disk: the volume is detached.
                LOG.log(System.Logger.Level.INFO, "detach of {0}: the instance is not running, nothing to do", what);
                return;
            }
            throw e;
        }
        try (QmpClient qmp = session) {
            removeAll(qmp, volumeId, "cannot detach " + what);
        }
        LOG.log(System.Logger.Level.INFO, "detached {0}", what);
    }

    @Override
    public List<AttachedDevice> devices(String instanceId) throws DriverException {
        ArgType.INSTANCE.require("instanceId", instanceId);
        String what = "the devices of instance " + instanceId + " on host " + host;
        try (QmpClient qmp = connector.open(instanceId)) {
            List<AttachedDevice> devices = new ArrayList<>();
            for (String id : peripherals(qmp, "cannot list " + what)) {
                VbsNames.parseDeviceId(id).ifPresent(n -> devices.add(
                        new AttachedDevice(instanceId, n.guestDevice(), n.volumeId())));
            }
            return List.copyOf(devices);
        }
    }

    private void plug(QmpClient qmp, VbsNames names, DeviceAttachRequest request, String what)
            throws DriverException {
        ExportedTarget target = request.target();
        ChapCredentials chap = request.chap();
        char[] password = chap.secret().reveal();
        String secretText = new String(password);
        Arrays.fill(password, '\0');
        String step = "object-add";
        try {
            qmp.execute(step, QmpClient.JSON.createObjectBuilder()
                    .add("qom-type", "secret")
                    .add("id", names.secretId())
                    .add("format", "raw")
                    .add("data", secretText)
                    .build());
            step = "blockdev-add";
            qmp.execute(step, QmpClient.JSON.createObjectBuilder()
                    .add("driver", "iscsi")
                    .add("node-name", names.nodeName())
                    .add("transport", "tcp")
                    .add("portal", target.portal())
                    .add("target", target.iqn())
                    .add("lun", target.lun())
                    .add("user", chap.user())
                    .add("password-secret", names.secretId())
                    .add("initiator-name", request.initiatorIqn())
                    .build());
            step = "device_add";
            qmp.execute(step, QmpClient.JSON.createObjectBuilder()
                    .add("driver", "scsi-hd")
                    .add("id", names.deviceId())
                    .add("bus", settings.scsiController() + ".0")
                    .add("drive", names.nodeName())
                    // The guest sees the volume id as the disk's serial (/dev/disk/by-id/...).
                    .add("serial", names.volumeId())
                    .build());
        } catch (QmpException e) {
            QmpException shown = new QmpException(e.command(), e.errorClass(), redact(e.description(), secretText));
            DriverException failure = new DriverException(DriverException.Code.IO_ERROR, "cannot attach " + what
                    + ": " + step + " failed: " + shown.errorClass() + ": " + shown.description(), shown);
            throw rolledBack(qmp, request.instanceId(), names.volumeId(), failure);
        } catch (DriverException e) {
            DriverException failure = new DriverException(e.code(), "cannot attach " + what + ": " + step
                    + " failed: " + redact(e.getMessage(), secretText), e);
            throw rolledBack(qmp, request.instanceId(), names.volumeId(), failure);
        }
    }

    /** Removes whatever the failed attach added; a removal that fails too is reported with the failure. */
    private DriverException rolledBack(QmpClient qmp, String instanceId, String volumeId,
                                       DriverException failure) {
        try {
            removeAll(qmp, volumeId, "cannot undo the failed attach of " + volumeId);
            return failure;
        } catch (DriverException first) {
            // The session may be what broke (e.g. a timeout): one more try on a fresh one. QEMU serves
            // one QMP client at a time, so the old session must end first.
            qmp.close();
            try (QmpClient fresh = connector.open(instanceId)) {
                removeAll(fresh, volumeId, "cannot undo the failed attach of " + volumeId);
                return failure;
            } catch (DriverException second) {
                DriverException both = new DriverException(failure.code(), failure.getMessage()
                        + "; and undoing it failed, so parts may be left in the VM: " + second.getMessage(), failure);
                both.addSuppressed(first);
                both.addSuppressed(second);
                return both;
            }
        }
    }

    /** Device, block node and secret of one volume, each only if present: safe to repeat. */
    private void removeAll(QmpClient qmp, String volumeId, String context) throws DriverException {
        for (String deviceId : deviceIdsOf(qmp, volumeId, context)) {
            unplug(qmp, deviceId, context);
        }
        String node = VbsNames.nodeName(volumeId);
        if (nodeNames(qmp, context).contains(node)) {
            run(qmp, "blockdev-del", QmpClient.JSON.createObjectBuilder().add("node-name", node).build(), context);
        }
        String secret = VbsNames.secretId(volumeId);
        if (objectIds(qmp, context).contains(secret)) {
            run(qmp, "object-del", QmpClient.JSON.createObjectBuilder().add("id", secret).build(), context);
        }
    }

    private void unplug(QmpClient qmp, String deviceId, String context) throws DriverException {
        QmpException refused = null;
        try {
            qmp.execute("device_del", QmpClient.JSON.createObjectBuilder().add("id", deviceId).build());
        } catch (QmpException e) {
            if ("DeviceNotFound".equals(e.errorClass())) {
                return;
            }
            // E.g. an earlier detach's unplug is still pending: the device may yet go, so wait as well.
            refused = e;
        }
        Optional<JsonObject> deleted = qmp.awaitEvent("DEVICE_DELETED",
                data -> deviceId.equals(QmpClient.stringOf(data, "device").orElse(null)), settings.unplugTimeout());
        if (deleted.isEmpty() && peripherals(qmp, context).contains(deviceId)) {
            DriverException e = new DriverException(DriverException.Code.IO_ERROR, context + ": the guest did not"
                    + " release device " + deviceId + " within " + settings.unplugTimeout().toMillis()
                    + " ms; it is still attached" + (refused == null ? "" : " (" + refused.getMessage() + ")"));
            if (refused != null) {
                e.addSuppressed(refused);
            }
            throw e;
        }
    }

    private static List<String> deviceIdsOf(QmpClient qmp, String volumeId, String context) throws DriverException {
        String prefix = VbsNames.devicePrefix(volumeId);
        return peripherals(qmp, context).stream().filter(id -> id.startsWith(prefix)).toList();
    }

    /** The ids of the instance's devices that have one ({@code /machine/peripheral}). */
    private static List<String> peripherals(QmpClient qmp, String context) throws DriverException {
        return childNames(qmp, "/machine/peripheral", context);
    }

    /** The ids of the instance's user-created objects ({@code /objects}): secrets among them. */
    private static List<String> objectIds(QmpClient qmp, String context) throws DriverException {
        return childNames(qmp, "/objects", context);
    }

    private static List<String> childNames(QmpClient qmp, String path, String context) throws DriverException {
        JsonValue listing = run(qmp, "qom-list", QmpClient.JSON.createObjectBuilder().add("path", path).build(),
                context);
        List<String> names = new ArrayList<>();
        for (JsonValue entry : listing.asJsonArray()) {
            JsonObject property = entry.asJsonObject();
            if (QmpClient.stringOf(property, "type").orElse("").startsWith("child<")) {
                QmpClient.stringOf(property, "name").ifPresent(names::add);
            }
        }
        return names;
    }

    private static List<String> nodeNames(QmpClient qmp, String context) throws DriverException {
        JsonArray nodes = run(qmp, "query-named-block-nodes",
                QmpClient.JSON.createObjectBuilder().add("flat", true).build(), context).asJsonArray();
        List<String> names = new ArrayList<>();
        for (JsonValue node : nodes) {
            QmpClient.stringOf(node.asJsonObject(), "node-name").ifPresent(names::add);
        }
        return names;
    }

    private static JsonValue run(QmpClient qmp, String command, JsonObject arguments, String context)
            throws DriverException {
        try {
            return qmp.execute(command, arguments);
        } catch (QmpException e) {
            throw new DriverException(DriverException.Code.IO_ERROR, context + ": " + e.getMessage(), e);
        }
    }

    /** QEMU never echoes a secret object's data in its errors; this makes sure of it. */
    private static String redact(String text, String secret) {
        return text.replace(secret, "****");
    }
}
