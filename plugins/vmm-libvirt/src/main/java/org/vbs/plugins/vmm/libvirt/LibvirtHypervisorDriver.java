package org.vbs.plugins.vmm.libvirt;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.vbs.plugins.spi.ArgType;
import org.vbs.plugins.spi.DriverException;
import org.vbs.plugins.spi.hypervisor.AttachedDevice;
import org.vbs.plugins.spi.hypervisor.DeviceAttachRequest;
import org.vbs.plugins.spi.hypervisor.HypervisorDriver;

/**
 * Attaches iSCSI volumes to running libvirt domains with {@code virsh}, run through the host's shell
 * (locally or over SSH), every command from the bundle's templates. libvirt hands the disk to QEMU,
 * whose own iSCSI initiator (libiscsi) logs in: no kernel initiator and no block device on the host.
 *
 * <p>Attach: {@code secret-define} of an ephemeral, private libvirt secret of usage type iscsi
 * ({@link VolumeSecret}: UUID and usage name derived from the volume id), {@code secret-set-value}
 * with the CHAP password, then {@code attach-device --live} of a {@code <disk type='network'>} whose
 * {@code <auth>} names that secret and whose {@code <serial>} is the volume id. If a step fails, what
 * the attach made is removed again (the disk if it is there, the secret), and the failure names the
 * step, the volume and the instance. A secret with the volume's UUID that an attach left when it died
 * half-way is simply redefined and given the new value (libvirt accepts a definition with an existing
 * UUID and the same usage as an update).
 *
 * <p>Detach: the disk is found by its serial in the live XML ({@code dumpxml}), {@code detach-device
 * --live} of that element, a bounded wait until it has left the live XML, then {@code secret-undefine}.
 * Whatever is already gone is skipped, so a detach may be repeated; a domain libvirt does not know has
 * nothing attached (only the secret is removed). {@link #devices} and {@link #attach} fail with
 * {@code NOT_FOUND} for such a domain.
 *
 * <p>Where the CHAP password is, and for how long:
 * <ul>
 *   <li>in this JVM: the request's {@code Secret}, and a byte copy handed to the shell for one
 *       {@code secret-set-value} call, overwritten when the call returns;</li>
 *   <li>on its way to virsh: the stdin pipe of {@code virsh secret-set-value <uuid> --file /dev/stdin
 *       --plain} (over SSH: the encrypted channel and sshd's buffers), for the ~20 ms of that call; never
 *       in an argv, an environment, a log line, an exception message or a file;</li>
 *   <li>in libvirtd's memory from {@code secret-set-value} to {@code secret-undefine} (detach, or the
 *       undo of a failed attach): the secret is ephemeral (never written under /etc/libvirt/secrets) and
 *       private ({@code secret-get-value} is refused);</li>
 *   <li>in QEMU: libvirt passes it to the domain's QEMU over the QMP monitor socket as a {@code secret}
 *       object encrypted with the domain's master key (libvirt's AES secret handling), and QEMU holds it
 *       as long as the disk is attached.</li>
 * </ul>
 * libvirt's error texts (the ones put into {@link DriverException}s) name the secret's UUID and usage,
 * never its value; the driver still masks the value in them.
 *
 * <p>libvirt's {@code <auth>} for network disks has no mutual CHAP: {@link #supportsMutualChap()} is
 * false and an attach asking for it is refused ({@code UNSUPPORTED}) before anything is touched.
 */
public final class LibvirtHypervisorDriver implements HypervisorDriver {
    private static final System.Logger LOG = System.getLogger(LibvirtHypervisorDriver.class.getName());
    private static final Pattern GUEST_DEVICE = Pattern.compile("(?:/dev/)?([a-z][a-z0-9]{1,15})");
    private static final Duration POLL = Duration.ofMillis(20);

    private final LibvirtSettings settings;
    private final Virsh virsh;

    LibvirtHypervisorDriver(LibvirtSettings settings, Virsh virsh) {
        this.settings = settings;
        this.virsh = virsh;
    }

    @Override
    public boolean supportsMutualChap() {
        return false;
    }

    @Override
    public AttachedDevice attach(DeviceAttachRequest request) throws DriverException {
        String instance = request.instanceId();
        String volume = request.volumeId();
        String what = "volume " + volume + " to instance " + instance + " on host " + virsh.host();
        if (request.chap().mutual()) {
            throw new DriverException(DriverException.Code.UNSUPPORTED, "cannot attach " + what
                    + " with mutual CHAP: libvirt's iSCSI disk authentication cannot check the target's identity");
        }
        Matcher device = GUEST_DEVICE.matcher(request.device());
        if (!device.matches()) {
            throw new DriverException(DriverException.Code.UNSUPPORTED, "cannot attach " + what + " as "
                    + request.device() + ": libvirt names a disk by a plain target device such as sdb");
        }
        String guestDevice = device.group(1);
        List<VbsDisk> existing = disksOf(instance, volume, "cannot attach " + what);
        if (!existing.isEmpty()) {
            throw new DriverException(DriverException.Code.ALREADY_EXISTS, "cannot attach " + what
                    + ": it is already attached there as " + existing.get(0).targetDev());
        }
        VolumeSecret secret = new VolumeSecret(volume);
        String step = "secret-define";
        try {
            // Over a secret an attach that died half-way left, the same definition is a redefinition
            // (same UUID and usage), and the value below replaces the stale one.
            virsh.defineSecret(LibvirtXml.secretDefinition(secret));
            step = "secret-set-value";
            virsh.setSecretValue(secret.uuid(), request.chap().secret());
            step = "attach-device";
            virsh.attachDevice(instance, LibvirtXml.networkDisk(request, guestDevice, secret));
        } catch (DriverException e) {
            DriverException failure = new DriverException(e.code(), "cannot attach " + what + ": " + step + " failed: "
                    + masked(e.getMessage(), request), e);
            throw undone(instance, secret, failure);
        }
        LOG.log(System.Logger.Level.INFO, "attached {0} as {1}", what, guestDevice);
        return new AttachedDevice(instance, guestDevice, volume);
    }

    @Override
    public void detach(String instanceId, String volumeId) throws DriverException {
        ArgType.INSTANCE.require("instanceId", instanceId);
        VolumeSecret secret = new VolumeSecret(volumeId);
        String what = "volume " + volumeId + " from instance " + instanceId + " on host " + virsh.host();
        removeAll(instanceId, secret, "cannot detach " + what);
        LOG.log(System.Logger.Level.INFO, "detached {0}", what);
    }

    @Override
    public List<AttachedDevice> devices(String instanceId) throws DriverException {
        ArgType.INSTANCE.require("instanceId", instanceId);
        List<AttachedDevice> devices = new ArrayList<>();
        for (VbsDisk disk : vbsDisks(instanceId, "cannot list the devices of instance " + instanceId)) {
            devices.add(new AttachedDevice(instanceId, disk.targetDev(), disk.volumeId()));
        }
        return List.copyOf(devices);
    }

    /** Removes what the failed attach made; a removal that fails too is reported with the failure. */
    private DriverException undone(String instance, VolumeSecret secret, DriverException failure) {
        try {
            removeAll(instance, secret, "cannot undo the failed attach of " + secret.volumeId());
            return failure;
        } catch (DriverException e) {
            DriverException both = new DriverException(failure.code(), failure.getMessage()
                    + "; and undoing it failed, so parts may be left on the host: " + e.getMessage(), failure);
            both.addSuppressed(e);
            return both;
        }
    }

    /** The volume's disk (if the domain has it) and then its secret, each only if present: safe to repeat. */
    private void removeAll(String instance, VolumeSecret secret, String context) throws DriverException {
        List<VbsDisk> disks;
        try {
            disks = disksOf(instance, secret.volumeId(), context);
        } catch (DriverException e) {
            if (e.code() != DriverException.Code.NOT_FOUND) {
                throw e;
            }
            // A domain libvirt does not know holds no disk; its secret may still be defined.
            disks = List.of();
        }
        for (VbsDisk disk : disks) {
            unplug(instance, disk, context);
        }
        try {
            virsh.undefineSecret(secret.uuid());
        } catch (DriverException e) {
            throw new DriverException(e.code(), context + ": secret-undefine " + secret.uuid() + " failed: "
                    + e.getMessage(), e);
        }
    }

    private void unplug(String instance, VbsDisk disk, String context) throws DriverException {
        DriverException refused = null;
        try {
            virsh.detachDevice(instance, disk.xml());
        } catch (DriverException e) {
            // E.g. an earlier detach's unplug is still pending: the disk may yet go, so wait as well.
            refused = e;
        }
        long deadline = System.nanoTime() + settings.detachTimeout().toNanos();
        while (true) {
            Optional<VbsDisk> still = stillThere(instance, disk.volumeId(), context);
            if (still.isEmpty()) {
                return;
            }
            if (System.nanoTime() - deadline >= 0) {
                DriverException e = new DriverException(DriverException.Code.IO_ERROR, context + ": the disk "
                        + disk.targetDev() + " is still in the domain " + settings.detachTimeout().toMillis()
                        + " ms after detach-device" + (refused == null ? "" : " (" + refused.getMessage() + ")"));
                if (refused != null) {
                    e.addSuppressed(refused);
                }
                throw e;
            }
            pause(context);
        }
    }

    private Optional<VbsDisk> stillThere(String instance, String volumeId, String context) throws DriverException {
        try {
            return disksOf(instance, volumeId, context).stream().findFirst();
        } catch (DriverException e) {
            if (e.code() == DriverException.Code.NOT_FOUND) {
                return Optional.empty(); // the domain went away, and the disk with it
            }
            throw e;
        }
    }

    private List<VbsDisk> disksOf(String instance, String volumeId, String context) throws DriverException {
        return vbsDisks(instance, context).stream().filter(d -> d.volumeId().equals(volumeId)).toList();
    }

    private List<VbsDisk> vbsDisks(String instance, String context) throws DriverException {
        String xml;
        try {
            xml = virsh.dumpXml(instance);
        } catch (DriverException e) {
            throw new DriverException(e.code(), context + ": " + e.getMessage(), e);
        }
        try {
            return LibvirtXml.vbsDisks(xml);
        } catch (IllegalArgumentException e) {
            throw new DriverException(DriverException.Code.IO_ERROR, context + ": virsh dumpxml " + instance
                    + " printed no domain XML: " + e.getMessage(), e);
        }
    }

    private static void pause(String context) throws DriverException {
        try {
            Thread.sleep(POLL.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DriverException(DriverException.Code.IO_ERROR, context + ": interrupted", e);
        }
    }

    /** libvirt never echoes a secret's value in its errors; this makes sure of it. */
    private static String masked(String text, DeviceAttachRequest request) {
        char[] value = request.chap().secret().reveal();
        try {
            return String.valueOf(text).replace(new String(value), "****");
        } finally {
            Arrays.fill(value, '\0');
        }
    }
}
