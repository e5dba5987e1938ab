package org.vbs.plugins.export.tgt;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.locks.ReentrantLock;
import java.util.regex.Pattern;
import org.vbs.plugins.spi.ArgType;
import org.vbs.plugins.spi.CommandResult;
import org.vbs.plugins.spi.DriverConfig;
import org.vbs.plugins.spi.DriverException;
import org.vbs.plugins.spi.HostShell;
import org.vbs.plugins.spi.export.ChapCredentials;
import org.vbs.plugins.spi.export.ExportDriver;
import org.vbs.plugins.spi.export.ExportRequest;
import org.vbs.plugins.spi.export.ExportedTarget;

/**
 * Exports volumes as iSCSI targets of Linux tgt on one volume server, with {@code tgtadm} run through
 * the server's {@link HostShell}: one target per request IQN, LUN 1 backed by the volume's file or
 * device ({@code rdwr}), whose SCSI serial is the volume id; an incoming CHAP account, and an outgoing
 * one for mutual CHAP; an initiator ACL ({@link InitiatorAcl}).
 *
 * <h2>Where a secret goes into argv</h2>
 * {@code tgtadm --mode account --op new --user U --password P} is the only way tgt takes a CHAP secret:
 * tgtadm reads it from its {@code -p/--password} option alone (tgt 1.0.85 {@code usr/tgtadm.c}: the
 * option table has no stdin, file or environment alternative, and the man page lists none) and sends it
 * to tgtd over the control socket; {@code tgt-admin} reads secrets from a config file but then runs
 * tgtadm with them in argv as well. So the secret is in that one tgtadm process's argv, readable in
 * {@code /proc/PID/cmdline} by local users of the volume server, for the few milliseconds it runs. The
 * driver keeps it to that: the account is the only command with a secret, its failure messages mask
 * it ({@link Tgtadm#runWithSecret}), nothing is logged with it, and listings of tgtd never show it.
 * (Speaking tgtd's binary control-socket protocol directly would avoid argv but ties the driver to one
 * tgt build's struct layout.)
 *
 * <h2>Order, and what a failure leaves</h2>
 * tgtd admits no login to a target without an ACL rule (measured: "Target not found(515)"), so export
 * makes the target, its LUN and its CHAP accounts first and binds the ACL last: a session can never
 * start before CHAP guards the target. Any failure undoes the steps done so far, newest first (ACL,
 * accounts, LUN, target), and raises {@code IO_ERROR} naming the step and the IQN. unexport deletes the
 * target first ({@code --force} takes the LUN, ACL, sessions and account bindings with it), then the
 * accounts, so a target never stands without CHAP. {@code --force} alone fails while a session has
 * commands in flight ("this logical unit is still active", measured): see {@link #deleteTarget}.
 *
 * <h2>Concurrency</h2>
 * tgt wants a numeric tid per target and answers "this target already exists" for a taken tid as for a
 * taken name. Every call of one driver (one volume server) holds one lock; another tgtadm user (a second
 * service node) can still take a tid between the listing and the creation, so a lost tid is retried with
 * a fresh listing.
 */
public final class TgtExportDriver implements ExportDriver {
    /** The LUN holding the volume (tgt's LUN 0 is its controller). */
    public static final int LUN = 1;

    private static final int TID_ATTEMPTS = 8;
    /** How long unexport keeps trying to delete a target whose LUN still has commands in flight. */
    private static final java.time.Duration DELETE_PATIENCE = java.time.Duration.ofSeconds(10);
    private static final Pattern IPV4 = Pattern.compile("(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])"
            + "(\\.(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])){3}");
    private static final Pattern IPV6 = Pattern.compile("\\[[0-9A-Fa-f:.]{2,45}\\]");
    private static final System.Logger LOG = System.getLogger(TgtExportDriver.class.getName());

    private final TgtSettings settings;
    private final Tgtadm tgtadm;
    private final ReentrantLock lock = new ReentrantLock(true);

    TgtExportDriver(TgtSettings settings, Tgtadm tgtadm) {
        this.settings = settings;
        this.tgtadm = tgtadm;
    }

    /**
     * @throws DriverException {@code CONFIGURATION} for a missing or invalid property or template override
     */
    public static TgtExportDriver create(DriverConfig config, HostShell shell) throws DriverException {
        TgtSettings settings = TgtSettings.from(config);
        return new TgtExportDriver(settings, new Tgtadm(shell, Tgtadm.templates(config.templateOverrides()), settings));
    }

    public TgtSettings settings() {
        return settings;
    }

    /**
     * @throws IllegalArgumentException before anything is made: a target name without the driver's
     *         prefix, an initiator address that is not an IP literal (when the ACL names addresses), a
     *         CHAP secret tgtadm cannot carry, or one user for both directions
     * @throws DriverException {@code NOT_FOUND} when the backing path does not exist on the server;
     *         {@code ALREADY_EXISTS} when the IQN is exported for another path; {@code IO_ERROR} when a
     *         step fails (everything this call made is undone)
     */
    @Override
    public ExportedTarget export(ExportRequest request) throws DriverException {
        String iqn = request.targetIqn();
        requireOurs(iqn);
        if (settings.acl().bindsAddress()) {
            requireIpLiteral(request.initiatorAddress());
        }
        ChapCredentials chap = request.chap();
        if (chap.outgoingUser().filter(chap.user()::equals).isPresent()) {
            throw new IllegalArgumentException("mutual CHAP of " + iqn + " needs two accounts; both are " + chap.user());
        }
        String secret = ChapSecret.reveal(chap.secret(), "the CHAP secret of " + chap.user());
        Optional<String> outgoingSecret = chap.outgoingSecret()
                .map(s -> ChapSecret.reveal(s, "the outgoing CHAP secret of " + chap.outgoingUser().orElseThrow()));
        lockInterruptibly(iqn);
        try {
            TargetListing listing = listing();
            Optional<TgtTarget> existing = listing.byIqn(iqn);
            if (existing.isPresent()) {
                return sameExport(request, existing.get());
            }
            checkBackingPath(request);
            return create(request, listing, secret, outgoingSecret);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void unexport(String targetIqn) throws DriverException {
        ArgType.IQN.require("targetIqn", targetIqn);
        requireOurs(targetIqn);
        lockInterruptibly(targetIqn);
        try {
            CommandResult shown = tgtadm.run(Tgtadm.TARGET_SHOW, Tgtadm.values());
            if (Tgtadm.saysNoDaemon(shown)) {
                // tgtd keeps its targets in memory only (this driver writes no configuration that a start
                // would load): a tgtd that is not running holds none, and one started later starts empty.
                LOG.log(System.Logger.Level.WARNING, "unexport of {0} on host {1}: no tgtd answers on control socket"
                        + " {2} ({3}); a tgtd that is not running holds no target, so there is nothing to remove",
                        targetIqn, tgtadm.host(), String.valueOf(settings.control()), Tgtadm.said(shown));
                return;
            }
            TargetListing listing = listing(shown);
            Optional<TgtTarget> found = listing.byIqn(targetIqn);
            if (found.isEmpty()) {
                LOG.log(System.Logger.Level.DEBUG, "unexport of {0} on host {1}: no such target", targetIqn,
                        tgtadm.host());
                return;
            }
            TgtTarget target = found.get();
            deleteTarget(target);
            // After the target: an account deleted first would leave the target open without CHAP.
            for (String user : target.users()) {
                if (listing.boundElsewhere(user, target.tid())) {
                    LOG.log(System.Logger.Level.WARNING, "unexport of {0}: CHAP account {1} is bound to another"
                            + " target too and is kept", targetIqn, user);
                    continue;
                }
                CommandResult gone = tgtadm.run(Tgtadm.ACCOUNT_DELETE, Tgtadm.values("user", user));
                if (!gone.succeeded() && !Tgtadm.says(gone, Tgtadm.NO_ACCOUNT)) {
                    throw new DriverException(DriverException.Code.IO_ERROR, "unexporting " + targetIqn + " on host "
                            + tgtadm.host() + ": the target is gone but its CHAP account " + user
                            + " could not be deleted: " + Tgtadm.said(gone));
                }
            }
            LOG.log(System.Logger.Level.INFO, "unexported {0} (tid {1}) on host {2}", targetIqn, target.tid(),
                    tgtadm.host());
        } finally {
            lock.unlock();
        }
    }

    /** The driver's targets (names with its prefix) that hold a volume on LUN 1. */
    @Override
    public List<ExportedTarget> exports() throws DriverException {
        lockInterruptibly("the listing");
        try {
            List<ExportedTarget> exports = new ArrayList<>();
            for (TgtTarget target : listing().targets()) {
                if (!target.iqn().startsWith(settings.iqnPrefix())) {
                    continue;
                }
                Optional<String> volumeId = target.lun(LUN).map(TgtTarget.Lun::serial).filter(ArgType.VOLUME_ID::accepts);
                if (volumeId.isPresent() && ArgType.IQN.accepts(target.iqn())) {
                    exports.add(new ExportedTarget(target.iqn(), settings.portal(), LUN, volumeId.get()));
                } else {
                    // A target of ours without its volume: a crash mid-export, or made by hand. Not an
                    // export, but the operator should know (unexport removes it).
                    LOG.log(System.Logger.Level.WARNING, "target {0} (tid {1}) on host {2} has no volume on LUN {3};"
                            + " it is not listed as an export", target.iqn(), target.tid(), tgtadm.host(), LUN);
                }
            }
            return List.copyOf(exports);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Deletes the target with {@code --force}. tgt deletes the LUNs before it ends the sessions and
     * refuses while commands are in flight ("this logical unit is still active"), so then the ACL is
     * unbound (no new login; the target stays guarded by CHAP), the sessions' connections are ended,
     * and the deletion is tried again until the LUN is idle or {@link #DELETE_PATIENCE} has passed.
     */
    private void deleteTarget(TgtTarget target) throws DriverException {
        String tid = String.valueOf(target.tid());
        CommandResult result = tgtadm.run(Tgtadm.TARGET_DELETE, Tgtadm.values("tid", tid));
        if (result.succeeded() || Tgtadm.says(result, Tgtadm.NO_TARGET)) {
            return;
        }
        if (!Tgtadm.says(result, Tgtadm.STILL_ACTIVE)) {
            throw deleteFailure(target, result);
        }
        for (String entry : target.acl()) {
            boolean name = entry.startsWith("iqn.") || entry.startsWith("eui.") || entry.startsWith("naa.");
            CommandResult unbound = name
                    ? tgtadm.run(Tgtadm.ACL_UNBIND_NAME, Tgtadm.values("tid", tid, "initiatorName", entry))
                    : tgtadm.run(Tgtadm.ACL_UNBIND_ADDRESS, Tgtadm.values("tid", tid, "initiatorAddress", entry));
            if (!unbound.succeeded() && !Tgtadm.says(unbound, Tgtadm.NO_ACL)) {
                throw deleteFailure(target, unbound);
            }
        }
        long deadline = System.nanoTime() + DELETE_PATIENCE.toNanos();
        long pauseMillis = 5;
        int ended = 0;
        while (true) {
            Optional<TgtTarget> current = listing().byIqn(target.iqn());
            if (current.isEmpty()) {
                return;
            }
            for (TgtTarget.Session session : current.get().sessions()) {
                for (int cid : session.connections()) {
                    CommandResult closed = tgtadm.run(Tgtadm.CONN_DELETE, Tgtadm.values("tid", tid, "sid",
                            String.valueOf(session.sid()), "cid", String.valueOf(cid)));
                    if (closed.succeeded()) {
                        ended++;
                    } else if (!Tgtadm.says(closed, Tgtadm.NO_SESSION) && !Tgtadm.says(closed, Tgtadm.NO_CONNECTION)) {
                        throw deleteFailure(target, closed);
                    }
                }
            }
            result = tgtadm.run(Tgtadm.TARGET_DELETE, Tgtadm.values("tid", tid));
            if (result.succeeded() || Tgtadm.says(result, Tgtadm.NO_TARGET)) {
                LOG.log(System.Logger.Level.INFO, "{0} (tid {1}) on host {2} was busy: ended {3} connection(s) to"
                        + " delete it", target.iqn(), tid, tgtadm.host(), ended);
                return;
            }
            if (!Tgtadm.says(result, Tgtadm.STILL_ACTIVE) || System.nanoTime() > deadline) {
                throw deleteFailure(target, result);
            }
            pause(pauseMillis, target.iqn());
            pauseMillis = Math.min(pauseMillis * 2, 200);
        }
    }

    private DriverException deleteFailure(TgtTarget target, CommandResult result) {
        return new DriverException(DriverException.Code.IO_ERROR, "unexporting " + target.iqn() + " (tid "
                + target.tid() + ") on host " + tgtadm.host() + " failed: " + Tgtadm.said(result));
    }

    private void pause(long millis, String iqn) throws DriverException {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DriverException(DriverException.Code.IO_ERROR, "interrupted while unexporting " + iqn, e);
        }
    }

    private ExportedTarget create(ExportRequest request, TargetListing listing, String secret,
                                  Optional<String> outgoingSecret) throws DriverException {
        String iqn = request.targetIqn();
        ChapCredentials chap = request.chap();
        Rollback undo = new Rollback();
        String step = "create the target";
        try {
            String tid = String.valueOf(newTarget(iqn, listing));
            undo.push("delete target " + iqn + " (tid " + tid + ")",
                    () -> tgtadm.require(Tgtadm.TARGET_DELETE, Tgtadm.values("tid", tid)));

            step = "add LUN " + LUN + " backed by " + request.backingPath();
            String lun = String.valueOf(LUN);
            tgtadm.require(Tgtadm.LUN_NEW, Tgtadm.values("tid", tid, "lun", lun, "path", request.backingPath().toString()));
            undo.push("delete LUN " + LUN + " of tid " + tid,
                    () -> tgtadm.require(Tgtadm.LUN_DELETE, Tgtadm.values("tid", tid, "lun", lun)));
            step = "set the serial of LUN " + LUN + " to " + request.volumeId();
            tgtadm.require(Tgtadm.LUN_SERIAL, Tgtadm.values("tid", tid, "lun", lun, "volumeId", request.volumeId()));

            step = "create the CHAP account " + chap.user();
            newAccount(undo, chap.user(), secret);
            step = "bind the CHAP account " + chap.user();
            tgtadm.require(Tgtadm.ACCOUNT_BIND, Tgtadm.values("tid", tid, "user", chap.user()));
            undo.push("unbind CHAP account " + chap.user() + " from tid " + tid,
                    () -> tgtadm.require(Tgtadm.ACCOUNT_UNBIND, Tgtadm.values("tid", tid, "user", chap.user())));
            if (chap.mutual()) {
                String outgoing = chap.outgoingUser().orElseThrow();
                step = "create the outgoing CHAP account " + outgoing;
                newAccount(undo, outgoing, outgoingSecret.orElseThrow());
                step = "bind the outgoing CHAP account " + outgoing;
                tgtadm.require(Tgtadm.ACCOUNT_BIND_OUTGOING, Tgtadm.values("tid", tid, "user", outgoing));
                undo.push("unbind outgoing CHAP account " + outgoing + " from tid " + tid,
                        () -> tgtadm.require(Tgtadm.ACCOUNT_UNBIND_OUTGOING, Tgtadm.values("tid", tid, "user", outgoing)));
            }

            // Last: until the target has an ACL rule tgtd admits no login, so none starts before CHAP is in place.
            if (settings.acl().bindsName()) {
                step = "admit the initiator " + request.initiatorIqn();
                tgtadm.require(Tgtadm.ACL_BIND_NAME, Tgtadm.values("tid", tid, "initiatorName", request.initiatorIqn()));
                undo.push("unbind initiator " + request.initiatorIqn() + " from tid " + tid, () -> tgtadm.require(
                        Tgtadm.ACL_UNBIND_NAME, Tgtadm.values("tid", tid, "initiatorName", request.initiatorIqn())));
            }
            if (settings.acl().bindsAddress()) {
                step = "admit the initiator address " + request.initiatorAddress();
                tgtadm.require(Tgtadm.ACL_BIND_ADDRESS, Tgtadm.values("tid", tid, "initiatorAddress",
                        request.initiatorAddress()));
                undo.push("unbind initiator address " + request.initiatorAddress() + " from tid " + tid,
                        () -> tgtadm.require(Tgtadm.ACL_UNBIND_ADDRESS, Tgtadm.values("tid", tid, "initiatorAddress",
                                request.initiatorAddress())));
            }
            LOG.log(System.Logger.Level.INFO, "exported {0} as {1} (tid {2}) on host {3}, ACL by {4}{5}",
                    request.volumeId(), iqn, tid, tgtadm.host(), settings.acl().value(),
                    chap.mutual() ? ", mutual CHAP" : "");
            return new ExportedTarget(iqn, settings.portal(), LUN, request.volumeId());
        } catch (DriverException | RuntimeException e) {
            DriverException.Code code = e instanceof DriverException d ? d.code() : DriverException.Code.IO_ERROR;
            DriverException failure = new DriverException(code, "exporting " + request.volumeId() + " as " + iqn
                    + " on host " + tgtadm.host() + " failed at step '" + step + "': " + e.getMessage(), e);
            undo.undoAll(failure);
            throw failure;
        }
    }

    /** Creates the target on a free tid, retrying when another tgtadm user takes that tid first. */
    private int newTarget(String iqn, TargetListing first) throws DriverException {
        TargetListing listing = first;
        CommandResult result = null;
        for (int attempt = 0; attempt < TID_ATTEMPTS; attempt++) {
            // After a lost race, a random one of the lowest free tids, so two racers part ways.
            List<Integer> free = listing.freeTids(1 + 3 * attempt);
            int tid = free.get(ThreadLocalRandom.current().nextInt(free.size()));
            result = tgtadm.run(Tgtadm.TARGET_NEW, Tgtadm.values("tid", String.valueOf(tid), "iqn", iqn));
            if (result.succeeded()) {
                return tid;
            }
            if (!Tgtadm.says(result, Tgtadm.TARGET_EXISTS)) {
                break;
            }
            // "already exists" means the tid or the name: the name would be someone else's export of this IQN.
            listing = listing();
            if (listing.byIqn(iqn).isPresent()) {
                throw new DriverException(DriverException.Code.ALREADY_EXISTS, "target " + iqn + " was made on host "
                        + tgtadm.host() + " by another caller while this export ran");
            }
            LOG.log(System.Logger.Level.DEBUG, "tid {0} on host {1} was taken before {2} could use it; retrying", tid,
                    tgtadm.host(), iqn);
        }
        throw new DriverException(DriverException.Code.IO_ERROR, "tgtadm on host " + tgtadm.host()
                + " did not create the target " + iqn + ": " + Tgtadm.said(result));
    }

    private void newAccount(Rollback undo, String user, String secret) throws DriverException {
        tgtadm.runWithSecret(Tgtadm.ACCOUNT_NEW, Tgtadm.values("user", user), secret);
        undo.push("delete CHAP account " + user, () -> tgtadm.require(Tgtadm.ACCOUNT_DELETE, Tgtadm.values("user", user)));
    }

    /** An export of an existing IQN is the same export if LUN 1 is the same backing path. */
    private ExportedTarget sameExport(ExportRequest request, TgtTarget existing) throws DriverException {
        Optional<String> path = existing.lun(LUN).flatMap(TgtTarget.Lun::backingPath);
        if (path.isPresent() && path.get().equals(request.backingPath().toString())) {
            LOG.log(System.Logger.Level.DEBUG, "{0} is already exported as {1} on host {2}", request.volumeId(),
                    request.targetIqn(), tgtadm.host());
            return new ExportedTarget(request.targetIqn(), settings.portal(), LUN, request.volumeId());
        }
        throw new DriverException(DriverException.Code.ALREADY_EXISTS, "target " + request.targetIqn() + " already"
                + " exists on host " + tgtadm.host() + " (tid " + existing.tid() + ") for " + path.orElse("no volume")
                + ", not for " + request.volumeId() + " at " + request.backingPath());
    }

    private void checkBackingPath(ExportRequest request) throws DriverException {
        CommandResult result = tgtadm.run(Tgtadm.BACKING_CHECK, Tgtadm.values("path", request.backingPath().toString()));
        if (result.exitCode() == 1) {
            throw new DriverException(DriverException.Code.NOT_FOUND, "cannot export " + request.volumeId() + " as "
                    + request.targetIqn() + ": its backing path " + request.backingPath() + " does not exist on host "
                    + tgtadm.host());
        }
        if (!result.succeeded()) {
            throw new DriverException(DriverException.Code.IO_ERROR, "cannot check the backing path "
                    + request.backingPath() + " of " + request.volumeId() + " on host " + tgtadm.host() + ": exit code "
                    + result.exitCode() + " " + Tgtadm.said(result));
        }
    }

    private TargetListing listing() throws DriverException {
        return listing(tgtadm.run(Tgtadm.TARGET_SHOW, Tgtadm.values()));
    }

    private TargetListing listing(CommandResult shown) throws DriverException {
        CommandResult result = shown.requireSuccess(tgtadm.host(), tgtadm.command(Tgtadm.TARGET_SHOW, Tgtadm.values()));
        try {
            return TargetListing.parse(result.stdout());
        } catch (IllegalArgumentException e) {
            throw new DriverException(DriverException.Code.IO_ERROR, "cannot read the targets of host " + tgtadm.host()
                    + ": " + e.getMessage(), e);
        }
    }

    private void requireOurs(String iqn) {
        if (!iqn.startsWith(settings.iqnPrefix())) {
            throw new IllegalArgumentException("target " + iqn + " is not one of this driver's: its names start with "
                    + settings.iqnPrefix());
        }
    }

    private static void requireIpLiteral(String address) {
        // tgt matches ACL addresses numerically; a host name never matches and "ALL" would admit everyone.
        if (!IPV4.matcher(address).matches() && !IPV6.matcher(address).matches()) {
            throw new IllegalArgumentException("the initiator address must be an IPv4 address or a bracketed IPv6"
                    + " address for tgt's ACL, not '" + address + "'");
        }
    }

    private void lockInterruptibly(String what) throws DriverException {
        try {
            lock.lockInterruptibly();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DriverException(DriverException.Code.IO_ERROR, "interrupted while waiting to change " + what
                    + " on host " + tgtadm.host(), e);
        }
    }
}
