package org.vbs.core.service;

import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jboss.logging.Logger;
import org.vbs.core.api.ErrorCode;
import org.vbs.core.api.VbsException;
import org.vbs.core.api.VolumeAttachment;
import org.vbs.core.api.VolumeState;
import org.vbs.core.domain.Attachment;
import org.vbs.core.domain.ResourceKind;
import org.vbs.core.domain.UserText;
import org.vbs.core.domain.VolumeRecord;
import org.vbs.core.host.DriverKind;
import org.vbs.core.host.HostRegistration;
import org.vbs.core.ops.OperationKind;
import org.vbs.core.ops.OperationRecord;
import org.vbs.core.ops.Plan;
import org.vbs.core.ops.Step;
import org.vbs.plugins.spi.ArgType;
import org.vbs.plugins.spi.DriverException;
import org.vbs.plugins.spi.Secret;
import org.vbs.plugins.spi.export.ChapCredentials;
import org.vbs.plugins.spi.export.ExportRequest;
import org.vbs.plugins.spi.export.ExportedTarget;
import org.vbs.plugins.spi.hypervisor.DeviceAttachRequest;
import org.vbs.security.chap.ChapSecrets;
import org.vbs.security.chap.SecretSealer;

/**
 * AttachVolume and DetachVolume, as operations of the {@link org.vbs.core.ops.StepRunner}:
 *
 * <pre>
 * attach: 'attaching' + attachment (fresh CHAP account, sealed) | check-instance (hypervisor host) |
 *         export (volume server) | attach-device (hypervisor host) | 'in-use'      interrupted: rolled back
 *         rolled back: device detached, target and account removed, 'available' again
 * detach: 'detaching' | detach-device (irreversible; with force, a host that refuses, fails or does not
 *         answer in time is passed over) | unexport | 'available', attachment and secret gone
 *                                                                                   interrupted: resumed
 *         failed before the device went: 'in-use' again; after: 'error' saying what remains
 * </pre>
 *
 * <p>IQN scheme: the target of an attachment is {@code iqn.2026-11.org.vbs:<volume-id>.<8 hex>} (a
 * new one per attachment, so a stale initiator of an earlier attachment cannot reach it); the
 * hypervisor host logs in as {@code iqn.2026-11.org.vbs:initiator.<host>}, the only name the target's
 * ACL admits.
 */
final class AttachmentWorkflow {
    static final String ATTACH = "AttachVolume";
    static final String DETACH = "DetachVolume";
    static final String IQN_PREFIX = "iqn.2026-11.org.vbs:";
    private static final String PORTAL = "portal";
    private static final String LUN = "lun";
    private static final String FORCE = "force";

    private static final Logger LOG = Logger.getLogger(AttachmentWorkflow.class);

    private final CoreContext core;
    private final OwnedResources owned;
    private final SecretSealer sealer;
    private final ChapSecrets chap = new ChapSecrets();

    AttachmentWorkflow(CoreContext core, SecretSealer sealer) {
        this.core = core;
        this.owned = new OwnedResources(core.store());
        this.sealer = sealer;
    }

    VolumeAttachment attach(String owner, String volumeId, String hostName, String instanceId, String device) {
        // What the caller typed is judged first, so hostile text is refused for what it is; then the volume
        // (an unknown or another owner's volume is NotFound whatever host was named), then the host.
        ResourceKind.VOLUME.requireWellFormed(volumeId);
        String instance = typed(ArgType.INSTANCE, "InstanceId", instanceId);
        String guestDevice = typed(ArgType.DEVICE, "Device", device);
        String targetIqn = IQN_PREFIX + volumeId + "." + chap.newUser("").substring(0, 8);
        char[] secret = chap.newSecret();
        String sealed = sealer.seal(secret, Attachment.sealingContext(volumeId, targetIqn));
        Arrays.fill(secret, '\0');
        OperationRecord operation = core.transactions().run(ATTACH + ": " + volumeId + " -> attaching", () -> {
            VolumeRecord current = owned.requireVolume(owner, volumeId);
            current.state().requireOneOf(volumeId, ATTACH, EnumSet.of(VolumeState.AVAILABLE));
            HostRegistration host = hypervisorHost(hostName);
            Optional<String> taken = core.store().volumesOf(owner).stream()
                    .filter(v -> v.attachment().filter(a -> a.instanceId().equals(instance) && a.host().equals(
                            host.name()) && a.device().equals(guestDevice)).isPresent())
                    .map(VolumeRecord::id).findFirst();
            if (taken.isPresent()) {
                throw RequestRules.invalid("Device " + guestDevice + " of instance " + instance + " is already used by "
                        + taken.get() + ".");
            }
            Attachment attachment = new Attachment(instance, host.name(), guestDevice,
                    VolumeAttachment.Status.ATTACHING, core.clock().instant(), targetIqn, initiatorIqn(host.name()),
                    chap.newUser("vbs-"), sealed);
            core.store().replaceVolume(current, current.moveWithAttachment(VolumeState.ATTACHING,
                    Optional.of(attachment), ATTACH));
            return Operations.journal(core, OperationKind.ATTACH_VOLUME, volumeId, owner, Map.of());
        });
        LOG.infof("%s: %s attaching to %s on %s as %s, operation %s", ATTACH, volumeId, instance, hostName,
                guestDevice, operation.id());
        core.runner().run(operation);
        LOG.infof("%s: %s in use by %s on %s", ATTACH, volumeId, instance, hostName);
        return current(volumeId).attachment().orElseThrow().toAttachment(volumeId);
    }

    /** What a DetachVolume caller says the attachment is (EC2's optional checks); empty checks nothing. */
    record Expected(Optional<String> instanceId, Optional<String> device) {
        /** Refuses, naming what was given, when the attachment is not the one the caller means. */
        void requireMatch(String volumeId, Attachment attachment) {
            instanceId.filter(id -> !id.equals(attachment.instanceId())).ifPresent(id -> {
                throw new VbsException(ErrorCode.INVALID_ATTACHMENT_NOT_FOUND, "Volume " + volumeId
                        + " is not attached to instance " + UserText.quote(id) + "; it is attached to "
                        + attachment.instanceId() + ".");
            });
            device.filter(d -> !d.equals(attachment.device())).ifPresent(d -> {
                throw new VbsException(ErrorCode.INVALID_ATTACHMENT_NOT_FOUND, "Volume " + volumeId
                        + " is not attached as device " + UserText.quote(d) + "; it is attached as "
                        + attachment.device() + ".");
            });
        }
    }

    VolumeAttachment detach(String owner, String volumeId, Expected expected, boolean force) {
        ResourceKind.VOLUME.requireWellFormed(volumeId);
        OperationRecord operation = core.transactions().run(DETACH + ": " + volumeId + " -> detaching", () -> {
            VolumeRecord current = owned.requireVolume(owner, volumeId);
            // A volume whose attach or detach failed half-way is in error with its attachment: force cleans up.
            boolean leftInError = force && current.state() == VolumeState.ERROR && current.attachment().isPresent();
            if (!leftInError) {
                current.state().requireOneOf(volumeId, DETACH, EnumSet.of(VolumeState.IN_USE));
            }
            Attachment attachment = current.attachment().orElseThrow(() -> new IllegalStateException(
                    volumeId + " is in use without an attachment"));
            expected.requireMatch(volumeId, attachment);
            core.store().replaceVolume(current, current.moveWithAttachment(VolumeState.DETACHING,
                    Optional.of(attachment.withStatus(VolumeAttachment.Status.DETACHING)), DETACH));
            return Operations.journal(core, OperationKind.DETACH_VOLUME, volumeId, owner, detachParameters(force));
        });
        Attachment attachment = current(volumeId).attachment().orElseThrow();
        LOG.infof("%s: %s detaching from %s on %s%s, operation %s", DETACH, volumeId, attachment.instanceId(),
                attachment.host(), force ? " (forced)" : "", operation.id());
        core.runner().run(operation);
        LOG.infof("%s: %s available", DETACH, volumeId);
        return attachment.withStatus(VolumeAttachment.Status.DETACHED).toAttachment(volumeId);
    }

    /** What a DetachVolume operation's steps read from its record. */
    static Map<String, String> detachParameters(boolean force) {
        return Map.of(FORCE, String.valueOf(force));
    }

    /** The plans of the operations this workflow starts. */
    Plan plan(OperationRecord operation) {
        String volumeId = operation.resourceId();
        return switch (operation.kind()) {
            case ATTACH_VOLUME -> new Plan(List.of(
                    Step.metadata("attaching", Operations.STARTED,
                            (op, reason) -> settle(volumeId, VolumeState.AVAILABLE, Optional.empty())),
                    // Before anything is made: an instance that is not running, or a host that cannot be
                    // reached, is refused with nothing to undo (a failed attach-device must be undone on the
                    // host, which an unreachable host cannot do).
                    Step.storage("check-instance", core.timeouts().hostCall(), op -> checkInstance(volumeId),
                            Step.Compensation.NOTHING),
                    Step.producing("export", core.timeouts().hostCall(), op -> export(volumeId),
                            (op, reason) -> core.hosts().exportDriver(current(volumeId).host())
                                    .unexport(attachmentOf(volumeId).targetIqn())),
                    Step.storage("attach-device", core.timeouts().hostCall(), op -> attachDevice(volumeId, op),
                            (op, reason) -> core.hosts().hypervisorDriver(attachmentOf(volumeId).host())
                                    .detach(attachmentOf(volumeId).instanceId(), volumeId)),
                    Step.metadata("in-use", op -> settle(volumeId, VolumeState.IN_USE, Optional.of(
                            attachmentOf(volumeId).withStatus(VolumeAttachment.Status.ATTACHED))),
                            Step.Compensation.NOTHING)),
                    Plan.Recovery.ROLL_BACK, (op, reason) -> markError(volumeId, reason, ATTACH),
                    Operations.volumeIn(core, volumeId, VolumeState.ATTACHING));
            case DETACH_VOLUME -> new Plan(List.of(
                    Step.metadata("detaching", Operations.STARTED, (op, reason) -> settle(volumeId, VolumeState.IN_USE,
                            Optional.of(attachmentOf(volumeId).withStatus(VolumeAttachment.Status.ATTACHED)))),
                    // Once the device is gone from the instance the detach cannot go back to 'in-use'. With force,
                    // a host that refuses, fails or does not answer within the host-call timeout is passed over:
                    // the export goes anyway, and the log says the device may still be in the instance.
                    Step.irreversible("detach-device", core.timeouts().hostCall(), op -> detachDevice(volumeId))
                            .tolerating(op -> forcedDetachLeaves(volumeId, op)),
                    Step.storage("unexport", core.timeouts().hostCall(), op -> core.hosts()
                            .exportDriver(current(volumeId).host()).unexport(attachmentOf(volumeId).targetIqn()),
                            Step.Compensation.NOTHING),
                    Step.metadata("available", op -> settle(volumeId, VolumeState.AVAILABLE, Optional.empty()),
                            Step.Compensation.NOTHING)),
                    Plan.Recovery.RESUME, (op, reason) -> markError(volumeId, reason
                            + ". Detach the volume again with force.", DETACH),
                    Operations.volumeIn(core, volumeId, VolumeState.DETACHING));
            default -> throw new IllegalArgumentException("not an attachment operation: " + operation);
        };
    }

    private Map<String, String> export(String volumeId) throws Exception {
        VolumeRecord volume = current(volumeId);
        Attachment attachment = attachmentOf(volumeId);
        HostRegistration hypervisor = hypervisorHost(attachment.host());
        try (Secret secret = unsealed(volumeId, attachment)) {
            ExportedTarget target = core.hosts().exportDriver(volume.host()).export(new ExportRequest(
                    attachment.targetIqn(), volumeId, core.hosts().volumeDriver(volume.host()).backingPath(volumeId),
                    attachment.initiatorIqn(), hypervisor.address(), credentials(attachment, secret)));
            return Map.of(PORTAL, target.portal(), LUN, String.valueOf(target.lun()));
        }
    }

    /** Lists the instance's devices: it runs, and its host answers. Changes nothing. */
    private void checkInstance(String volumeId) throws Exception {
        Attachment attachment = attachmentOf(volumeId);
        try {
            core.hosts().hypervisorDriver(attachment.host()).devices(attachment.instanceId());
        } catch (DriverException e) {
            throw switch (e.code()) {
                case NOT_FOUND -> instanceNotFound(attachment, e);
                case IO_ERROR -> new VbsException(ErrorCode.SERVICE_UNAVAILABLE, "Host '" + attachment.host()
                        + "' did not answer for instance '" + attachment.instanceId() + "'; nothing was attached."
                        + " Retry later.", e);
                default -> e;
            };
        }
    }

    private static VbsException instanceNotFound(Attachment attachment, DriverException cause) {
        // The caller named an instance the host does not run: theirs to fix, not an internal failure.
        return new VbsException(ErrorCode.INVALID_INSTANCE_ID_NOT_FOUND, "The instance '"
                + attachment.instanceId() + "' is not running on host '" + attachment.host() + "'.", cause);
    }

    private void attachDevice(String volumeId, OperationRecord operation) throws Exception {
        Attachment attachment = attachmentOf(volumeId);
        ExportedTarget target = new ExportedTarget(attachment.targetIqn(), operation.parameter(PORTAL),
                Integer.parseInt(operation.parameter(LUN)), volumeId);
        try (Secret secret = unsealed(volumeId, attachment)) {
            core.hosts().hypervisorDriver(attachment.host()).attach(new DeviceAttachRequest(attachment.instanceId(),
                    attachment.device(), target, attachment.initiatorIqn(), credentials(attachment, secret)));
        } catch (DriverException e) {
            if (e.code() == DriverException.Code.NOT_FOUND) {
                // It stopped since check-instance.
                throw instanceNotFound(attachment, e);
            }
            throw e;
        }
    }

    private void detachDevice(String volumeId) throws Exception {
        Attachment attachment = attachmentOf(volumeId);
        core.hosts().hypervisorDriver(attachment.host()).detach(attachment.instanceId(), volumeId);
    }

    /** With force, what a detach-device that failed may leave; without, nothing is passed over. */
    private Optional<String> forcedDetachLeaves(String volumeId, OperationRecord operation) {
        if (!Boolean.parseBoolean(operation.parameter(FORCE))) {
            return Optional.empty();
        }
        Attachment attachment = attachmentOf(volumeId);
        return Optional.of("forced; the device may still be in instance " + attachment.instanceId() + " on host "
                + attachment.host());
    }

    private Secret unsealed(String volumeId, Attachment attachment) {
        char[] value = sealer.unseal(attachment.sealedSecret(),
                Attachment.sealingContext(volumeId, attachment.targetIqn()));
        try {
            return Secret.of(value);
        } finally {
            Arrays.fill(value, '\0');
        }
    }

    private static ChapCredentials credentials(Attachment attachment, Secret secret) {
        return new ChapCredentials(attachment.chapUser(), secret, Optional.empty(), Optional.empty());
    }

    private HostRegistration hypervisorHost(String name) {
        if (name == null || name.isBlank()) {
            throw new VbsException(ErrorCode.MISSING_PARAMETER, ATTACH + " needs the hypervisor host (Host) the"
                    + " instance runs on.");
        }
        return core.hosts().registrations().stream()
                .filter(h -> h.name().equals(name) && h.driver(DriverKind.HYPERVISOR).isPresent())
                .findFirst()
                .orElseThrow(() -> RequestRules.invalid("Host " + UserText.quote(name)
                        + " is not a registered hypervisor host."));
    }

    private static String initiatorIqn(String host) {
        return IQN_PREFIX + "initiator." + host;
    }

    private static String typed(ArgType type, String parameter, String value) {
        if (value == null || value.isEmpty()) {
            throw new VbsException(ErrorCode.MISSING_PARAMETER, ATTACH + " needs " + parameter + ".");
        }
        if (!type.accepts(value)) {
            throw RequestRules.invalid("Invalid " + parameter + " " + UserText.quote(value) + ".");
        }
        return value;
    }

    private VolumeRecord current(String volumeId) {
        return core.store().volume(volumeId).orElseThrow(() -> new IllegalStateException(
                volumeId + " vanished while an operation on it was running"));
    }

    private Attachment attachmentOf(String volumeId) {
        return current(volumeId).attachment().orElseThrow(() -> new IllegalStateException(
                volumeId + " has no attachment while an attachment operation runs"));
    }

    // The metadata actions below run inside the runner's transactions.

    private void settle(String volumeId, VolumeState next, Optional<Attachment> attachment) {
        VolumeRecord current = current(volumeId);
        core.store().replaceVolume(current, current.moveWithAttachment(next, attachment, ATTACH));
    }

    private void markError(String volumeId, String reason, String operation) {
        core.store().volume(volumeId).ifPresent(current ->
                core.store().replaceVolume(current, current.markError(reason, operation)));
    }
}
