package org.vbs.plugins.vmm.xen;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.vbs.plugins.spi.ArgType;
import org.vbs.plugins.spi.Command;
import org.vbs.plugins.spi.CommandResult;
import org.vbs.plugins.spi.DriverException;
import org.vbs.plugins.spi.export.ChapCredentials;
import org.vbs.plugins.spi.export.ExportedTarget;
import org.vbs.plugins.spi.hypervisor.AttachedDevice;
import org.vbs.plugins.spi.hypervisor.DeviceAttachRequest;
import org.vbs.plugins.spi.hypervisor.HypervisorDriver;

/**
 * Attaches iSCSI volumes to running Xen guests from dom0: open-iscsi ({@code iscsiadm}, the kernel
 * initiator) logs dom0 in to the target, and {@code xl block-attach} hands the LUN's block device to
 * the guest as a {@code phy:} disk.
 *
 * <h2>Attach</h2>
 * {@code xl domid} (the domain must exist: {@code NOT_FOUND} otherwise); {@code xl block-list} (the
 * volume must not be attached there already: {@code ALREADY_EXISTS}); the volume's node records that
 * an attach which died half-way left are logged out and deleted; then: the node record
 * ({@code iscsiadm -m node -T <iqn> -p <portal> -o new}), its initiator name, its CHAP settings
 * (authmethod, username, password; username_in and password_in for mutual CHAP: open-iscsi checks the
 * target's identity too, so {@link #supportsMutualChap()} is true), the login, a bounded wait until
 * {@code <deviceDir>/ip-<portal>-iscsi-<iqn>-lun-<lun>} is a block device ({@code test -b}, polled
 * through the shell), and {@code xl block-attach <domain> phy:<dev> <guestDev> w}. If a step fails,
 * every step begun is undone newest first ({@code xl block-detach}, logout, node delete; each
 * tolerating that there is nothing to undo, since the failed step may not have got that far), and
 * the attach fails {@code IO_ERROR} naming the step, the volume and the instance, never the secret.
 *
 * <h2>Detach</h2>
 * The volume's disks in the domain are block-detached, then the volume's node records logged out and
 * deleted; whatever is already gone is skipped ({@code Error: Device xvdb not connected.}, iscsiadm's
 * exit 21 "no objects found"), so a detach may be repeated. A domain that does not exist holds no
 * disk: its volume's sessions on dom0 are still ended. The node record and session belong to the
 * volume's one attachment on this host (the core makes one target per attachment).
 *
 * <h2>Which disk is which volume</h2>
 * Nothing is stored: {@code xl block-list <domain>} gives each disk's backend directory in xenstore;
 * {@code xenstore-read <BE-path>/params <BE-path>/dev} gives the dom0 device (libxl writes the plain
 * path for {@code phy:} disks; an older {@code phy:} prefix is accepted) and the guest device name the
 * attach gave. A device under {@code deviceDir} whose by-path name ({@link ByPathName}) holds a target
 * named by {@link VolumeIqns} (the configured prefix, then the volume id) is that volume's disk; every
 * other disk (the guest's root disk, other tools' disks) is left out.
 *
 * <h2>Where a secret goes into argv</h2>
 * open-iscsi takes a node's CHAP secret only as {@code iscsiadm -m node ... -o update -n
 * node.session.auth.password -v <secret>}: iscsiadm (open-iscsi 2.1, {@code usr/iscsiadm.c}) reads
 * {@code -v} from its argv alone, has no option reading a value from stdin, a file or the
 * environment, and its configuration file ({@code iscsid.conf}, named by iscsid) holds host-wide
 * defaults for new records, not a per-target secret. Writing the node database's record files
 * directly would bypass iscsiadm's own format and locking. So each secret is in one iscsiadm
 * process's argv on dom0, readable in {@code /proc/PID/cmdline} by local users of dom0, for the few
 * milliseconds that call runs; it then lives in the node record (root-only, shown masked by
 * {@code iscsiadm -m node} without {@code -S}) until the detach deletes the record. The driver keeps
 * it to that: only those two commands carry it, their failures are reported masked, nothing is
 * logged with it.
 */
public final class XenHypervisorDriver implements HypervisorDriver {
    private static final System.Logger LOG = System.getLogger(XenHypervisorDriver.class.getName());
    /** The guest device names xl takes for a disk: xvdb, sdc, hdb (with an optional partition number). */
    private static final Pattern GUEST_DEVICE = Pattern.compile("(?:/dev/)?((?:xvd|sd|hd)[a-z]{1,3}[0-9]{0,2})");
    private static final Pattern NODE = Pattern.compile("(\\S+),-?[0-9]+ (\\S+)");
    /** iscsiadm's exit code ISCSI_ERR_NO_OBJS_FOUND: no such record or session. */
    private static final int NO_OBJS_FOUND = 21;

    private final XenSettings settings;
    private final Dom0Commands dom0;
    private final VolumeIqns iqns;

    XenHypervisorDriver(XenSettings settings, Dom0Commands dom0) {
        this.settings = settings;
        this.dom0 = dom0;
        this.iqns = new VolumeIqns(settings.iqnPrefix());
    }

    @Override
    public boolean supportsMutualChap() {
        return true;
    }

    @Override
    public AttachedDevice attach(DeviceAttachRequest request) throws DriverException {
        String instance = request.instanceId();
        String volume = request.volumeId();
        String what = "volume " + volume + " to instance " + instance + " on host " + dom0.host();
        Matcher guest = GUEST_DEVICE.matcher(request.device());
        if (!guest.matches()) {
            throw new DriverException(DriverException.Code.UNSUPPORTED, "cannot attach " + what + " as "
                    + request.device() + ": xl names a guest disk xvdN, sdN or hdN (e.g. xvdb)");
        }
        ExportedTarget target = request.target();
        if (!iqns.volumeOf(target.iqn()).filter(volume::equals).isPresent()) {
            throw new DriverException(DriverException.Code.CONFIGURATION, "cannot attach " + what + ": its target "
                    + target.iqn() + " is not named " + settings.iqnPrefix() + volume
                    + "..., so the volume's disk could not be found again");
        }
        Plan plan = plan(request, guest.group(1), what);
        requireDomain(instance, "cannot attach " + what);
        for (Disk disk : disksOf(instance, "cannot attach " + what)) {
            if (disk.volumeId().equals(volume)) {
                throw new DriverException(DriverException.Code.ALREADY_EXISTS, "cannot attach " + what
                        + ": it is already attached there as " + disk.guestDevice());
            }
        }
        // A record of this volume with no disk in the domain is what an attach left when it died half-way
        // (e.g. the service node crashed after the login): end it, or the login would find a session.
        clearNodes(volume, "cannot attach " + what + ": cannot clear what an earlier attach left");
        execute(plan, what);
        LOG.log(System.Logger.Level.INFO, "attached {0} as {1}", what, guest.group(1));
        return new AttachedDevice(instance, guest.group(1), volume);
    }

    @Override
    public void detach(String instanceId, String volumeId) throws DriverException {
        ArgType.INSTANCE.require("instanceId", instanceId);
        ArgType.VOLUME_ID.require("volumeId", volumeId);
        String context = "cannot detach volume " + volumeId + " from instance " + instanceId + " on host "
                + dom0.host();
        if (domainExists(instanceId, context)) {
            for (Disk disk : disksOf(instanceId, context)) {
                if (disk.volumeId().equals(volumeId)) {
                    remove(new Removal("block-detach", dom0.command("blockDetachCmd", Map.of("domain", instanceId,
                            "guestDev", disk.guestDevice())), XenHypervisorDriver::notConnected), context);
                }
            }
        }
        clearNodes(volumeId, context);
        LOG.log(System.Logger.Level.INFO, "detached volume {0} from instance {1} on host {2}", volumeId,
                instanceId, dom0.host());
    }

    /** Logs out of and deletes the volume's node records on dom0, each only if there. */
    private void clearNodes(String volumeId, String context) throws DriverException {
        for (Node node : nodes(context)) {
            if (iqns.volumeOf(node.iqn()).filter(volumeId::equals).isPresent()) {
                Map<String, String> values = Map.of("iqn", node.iqn(), "portal", node.portal());
                remove(new Removal("logout", dom0.command("logoutCmd", values), XenHypervisorDriver::noObjects), context);
                remove(new Removal("node delete", dom0.command("nodeDeleteCmd", values), XenHypervisorDriver::noObjects),
                        context);
            }
        }
    }

    @Override
    public List<AttachedDevice> devices(String instanceId) throws DriverException {
        ArgType.INSTANCE.require("instanceId", instanceId);
        String context = "cannot list the devices of instance " + instanceId + " on host " + dom0.host();
        requireDomain(instanceId, context);
        List<AttachedDevice> devices = new ArrayList<>();
        for (Disk disk : disksOf(instanceId, context)) {
            devices.add(new AttachedDevice(instanceId, disk.guestDevice(), disk.volumeId()));
        }
        return List.copyOf(devices);
    }

    // ---------------------------------------------------------------- attach

    /** One step of an attach: what it does, the secret its command carries, and what undoes it. */
    private record Step(String name, Action action, Optional<String> secret, Optional<Removal> undo) {
    }

    /** A step's work. */
    @FunctionalInterface
    private interface Action {
        void run() throws DriverException;
    }

    /** A command that removes something (undoing a step, or in a detach), and which failure means it was not there. */
    private record Removal(String name, Command command, Predicate<CommandResult> nothingThere) {
    }

    private record Plan(List<Step> steps) {
    }

    /** Renders every command first, so a value its placeholder refuses stops the attach before anything runs. */
    private Plan plan(DeviceAttachRequest request, String guestDevice, String what) {
        ExportedTarget target = request.target();
        ChapCredentials chap = request.chap();
        String device = settings.deviceDir().resolve(new ByPathName(target.portal(), target.iqn(), target.lun())
                .fileName()).toString();
        Map<String, String> node = Map.of("iqn", target.iqn(), "portal", target.portal());
        Map<String, String> disk = Map.of("domain", request.instanceId(), "dev", device, "guestDev", guestDevice);
        List<Step> steps = new ArrayList<>();
        steps.add(step("node new", "nodeNewCmd", node, Optional.empty(),
                Optional.of(new Removal("node delete", dom0.command("nodeDeleteCmd", node),
                        XenHypervisorDriver::noObjects))));
        steps.add(step("initiator name", "nodeInitiatorCmd", with(node, "initiator", request.initiatorIqn()),
                Optional.empty(), Optional.empty()));
        steps.add(step("CHAP authmethod", "chapMethodCmd", node, Optional.empty(), Optional.empty()));
        steps.add(step("CHAP username", "chapUserCmd", with(node, "user", chap.user()), Optional.empty(),
                Optional.empty()));
        steps.add(secretStep("CHAP password", "chapPasswordCmd", node, reveal(chap.secret()), what));
        if (chap.mutual()) {
            steps.add(step("CHAP username_in", "chapUserInCmd", with(node, "user", chap.outgoingUser().get()),
                    Optional.empty(), Optional.empty()));
            steps.add(secretStep("CHAP password_in", "chapPasswordInCmd", node,
                    reveal(chap.outgoingSecret().get()), what));
        }
        steps.add(step("login", "loginCmd", node, Optional.empty(), Optional.of(new Removal("logout",
                dom0.command("logoutCmd", node), XenHypervisorDriver::noObjects))));
        Command check = dom0.command("deviceCheckCmd", Map.of("dev", device));
        steps.add(new Step("device wait", () -> awaitDevice(check, device), Optional.empty(), Optional.empty()));
        steps.add(step("block-attach", "blockAttachCmd", disk, Optional.empty(), Optional.of(new Removal("block-detach",
                dom0.command("blockDetachCmd", disk), XenHypervisorDriver::notConnected))));
        return new Plan(steps);
    }

    private Step step(String name, String key, Map<String, String> values, Optional<String> secret,
                      Optional<Removal> undo) {
        Command command = dom0.command(key, values);
        return new Step(name, () -> dom0.require(command, secret), secret, undo);
    }

    private Step secretStep(String name, String key, Map<String, String> node, String secret, String what) {
        Dom0Commands.requireCarriable(secret, what);
        return step(name, key, with(node, "password", secret), Optional.of(secret), Optional.empty());
    }

    private void execute(Plan plan, String what) throws DriverException {
        Deque<Removal> begun = new ArrayDeque<>();
        for (Step step : plan.steps()) {
            // Pushed before the step runs: a step that fails may have got half-way (xl block-attach
            // writes xenstore before the backend fails; a login may time out after the session began).
            step.undo().ifPresent(begun::push);
            try {
                step.action().run();
            } catch (DriverException e) {
                String shown = Dom0Commands.mask(e.getMessage(), step.secret());
                DriverException failure = new DriverException(e.code(), "cannot attach " + what + ": " + step.name()
                        + " failed: " + shown);
                if (step.secret().isEmpty()) {
                    failure.initCause(e);
                }
                throw rolledBack(begun, failure, what);
            }
        }
    }

    private void awaitDevice(Command check, String device) throws DriverException {
        Instant deadline = Instant.now().plus(settings.deviceTimeout());
        while (true) {
            CommandResult result = dom0.run(check, Optional.empty());
            if (result.succeeded()) {
                return;
            }
            if (Instant.now().isAfter(deadline)) {
                throw new DriverException(DriverException.Code.IO_ERROR, "the device " + device
                        + " was not a block device within " + settings.deviceTimeout().toMillis()
                        + " ms after the login ('" + check + "' exit code " + result.exitCode() + ")");
            }
            try {
                Thread.sleep(settings.devicePoll().toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new DriverException(DriverException.Code.IO_ERROR, "interrupted while waiting for " + device, e);
            }
        }
    }

    /** Undoes the begun steps newest first; an undo that fails too is reported with the failure. */
    private DriverException rolledBack(Deque<Removal> begun, DriverException failure, String what) {
        List<String> left = new ArrayList<>();
        while (!begun.isEmpty()) {
            try {
                remove(begun.pop(), "cannot undo the failed attach of " + what);
            } catch (DriverException e) {
                left.add(e.getMessage());
                failure.addSuppressed(e);
            }
        }
        if (left.isEmpty()) {
            return failure;
        }
        DriverException both = new DriverException(failure.code(), failure.getMessage()
                + "; and undoing it failed, so parts may be left on the host: " + String.join("; ", left), failure);
        return both;
    }

    private void remove(Removal removal, String context) throws DriverException {
        CommandResult result = dom0.run(removal.command(), Optional.empty());
        if (!result.succeeded() && !removal.nothingThere().test(result)) {
            throw new DriverException(DriverException.Code.IO_ERROR, context + ": " + removal.name() + " failed: "
                    + dom0.failure(removal.command(), result, Optional.empty()).getMessage());
        }
    }

    private static boolean notConnected(CommandResult result) {
        return result.stderr().contains("not connected");
    }

    private static boolean noObjects(CommandResult result) {
        return result.exitCode() == NO_OBJS_FOUND;
    }

    // ---------------------------------------------------------------- what is there

    /** A VBS volume's disk in a domain. */
    private record Disk(String guestDevice, String volumeId) {
    }

    /** An open-iscsi node record. */
    private record Node(String portal, String iqn) {
    }

    private void requireDomain(String instanceId, String context) throws DriverException {
        if (!domainExists(instanceId, context)) {
            throw new DriverException(DriverException.Code.NOT_FOUND, context + ": there is no domain " + instanceId);
        }
    }

    private boolean domainExists(String instanceId, String context) throws DriverException {
        Command command = dom0.command("domainIdCmd", Map.of("domain", instanceId));
        CommandResult result = dom0.run(command, Optional.empty());
        if (result.succeeded()) {
            return true;
        }
        if (result.stderr().contains("does not exist")) {
            return false;
        }
        throw new DriverException(DriverException.Code.IO_ERROR, context + ": "
                + dom0.failure(command, result, Optional.empty()).getMessage());
    }

    private List<Disk> disksOf(String instanceId, String context) throws DriverException {
        CommandResult listing = required(dom0.command("blockListCmd", Map.of("domain", instanceId)), context);
        BlockList blocks;
        try {
            blocks = BlockList.parse(listing.stdout());
        } catch (IllegalArgumentException e) {
            throw new DriverException(DriverException.Code.IO_ERROR, context + ": " + e.getMessage(), e);
        }
        List<Disk> disks = new ArrayList<>();
        for (BlockList.Row row : blocks.rows()) {
            String[] entries = required(dom0.command("backendReadCmd", Map.of("backend", row.backendPath())),
                    context).stdout().split("\n");
            if (entries.length < 2) {
                throw new DriverException(DriverException.Code.IO_ERROR, context + ": xenstore-read gave "
                        + Arrays.toString(entries) + " for " + row.backendPath() + ", not its params and dev");
            }
            diskOf(entries[0].strip(), entries[1].strip()).ifPresent(disks::add);
        }
        return disks;
    }

    /** The VBS volume behind a disk's dom0 device, if it is one. */
    private Optional<Disk> diskOf(String params, String guestDevice) {
        Path device = Path.of(params.startsWith("phy:") ? params.substring(4) : params);
        if (!settings.deviceDir().equals(device.getParent()) || !ArgType.DEVICE.accepts(guestDevice)) {
            return Optional.empty();
        }
        return ByPathName.parse(device.getFileName().toString())
                .flatMap(name -> iqns.volumeOf(name.iqn()))
                .map(volume -> new Disk(guestDevice, volume));
    }

    private List<Node> nodes(String context) throws DriverException {
        Command command = dom0.command("nodeListCmd", Map.of());
        CommandResult result = dom0.run(command, Optional.empty());
        if (result.exitCode() == NO_OBJS_FOUND) {
            return List.of(); // "iscsiadm: No records found"
        }
        if (!result.succeeded()) {
            throw new DriverException(DriverException.Code.IO_ERROR, context + ": "
                    + dom0.failure(command, result, Optional.empty()).getMessage());
        }
        List<Node> nodes = new ArrayList<>();
        for (String line : result.stdout().split("\n")) {
            Matcher m = NODE.matcher(line.strip());
            if (m.matches() && ArgType.HOST.accepts(m.group(1)) && ArgType.IQN.accepts(m.group(2))) {
                nodes.add(new Node(m.group(1), m.group(2)));
            }
        }
        return nodes;
    }

    private CommandResult required(Command command, String context) throws DriverException {
        try {
            return dom0.require(command, Optional.empty());
        } catch (DriverException e) {
            throw new DriverException(e.code(), context + ": " + e.getMessage(), e);
        }
    }

    private static Map<String, String> with(Map<String, String> values, String name, String value) {
        Map<String, String> all = new HashMap<>(values);
        all.put(name, value);
        return all;
    }

    private static String reveal(org.vbs.plugins.spi.Secret secret) {
        char[] chars = secret.reveal();
        try {
            return new String(chars);
        } finally {
            Arrays.fill(chars, '\0');
        }
    }
}
