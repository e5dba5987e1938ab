package org.vbs.core.service;

import java.util.Optional;
import org.jboss.logging.Logger;
import org.vbs.core.api.SnapshotState;
import org.vbs.core.api.VolumeState;
import org.vbs.core.domain.SnapshotRecord;
import org.vbs.core.domain.VolumeRecord;
import org.vbs.plugins.spi.volume.VolumeDriver;

/**
 * Finishes, at startup, what a crash interrupted, so nothing stays pending forever: a pending
 * snapshot or a creating volume goes to 'error' ({@value #INTERRUPTED}) with its partial storage
 * removed; a deleting volume is deleted (or goes to 'error' if its storage cannot be removed).
 *
 * <p>It treats every in-flight entry as interrupted, which is right for a single node. In a cluster
 * a node must only reconcile the operations it ran itself (an operation journal naming the node).
 */
public final class Reconciler {
    static final String INTERRUPTED = "interrupted by a service restart";
    private static final String RECONCILE = "Reconcile";

    private static final Logger LOG = Logger.getLogger(Reconciler.class);

    /** What a run did: entries brought to a final state, and entries that failed to (logged at ERROR). */
    public record Result(int reconciled, int failed) {
        Result plus(boolean done) {
            return done ? new Result(reconciled + 1, failed) : new Result(reconciled, failed + 1);
        }
    }

    private final CoreContext core;

    public Reconciler(CoreContext core) {
        this.core = core;
    }

    public Result run() {
        Result result = new Result(0, 0);
        for (SnapshotRecord snapshot : core.store().allSnapshots()) {
            if (snapshot.state() == SnapshotState.PENDING) {
                result = result.plus(attempt(() -> interruptSnapshot(snapshot), snapshot.id()));
            }
        }
        for (VolumeRecord volume : core.store().allVolumes()) {
            if (volume.state() == VolumeState.CREATING) {
                result = result.plus(attempt(() -> interruptCreate(volume), volume.id()));
            } else if (volume.state() == VolumeState.DELETING) {
                result = result.plus(attempt(() -> finishDelete(volume), volume.id()));
            }
        }
        LOG.infof("%s: %d interrupted operation(s) finished, %d failed", RECONCILE, result.reconciled(),
                result.failed());
        return result;
    }

    private void interruptSnapshot(SnapshotRecord snapshot) {
        String reason = INTERRUPTED + cleanup(() -> driver().deleteSnapshot(snapshot.id()), snapshot.id());
        core.transactions().run(RECONCILE + ": " + snapshot.id() + " -> error", () -> {
            SnapshotRecord current = core.store().snapshot(snapshot.id()).orElseThrow();
            core.store().replaceSnapshot(current, current.moveTo(SnapshotState.ERROR, Optional.of(reason), RECONCILE));
        });
        LOG.warnf("%s: snapshot %s was pending: now error (%s)", RECONCILE, snapshot.id(), reason);
    }

    private void interruptCreate(VolumeRecord volume) {
        String reason = INTERRUPTED + cleanup(() -> driver().deleteVolume(volume.id()), volume.id());
        moveVolume(volume.id(), VolumeState.ERROR, Optional.of(reason));
        LOG.warnf("%s: volume %s was creating: now error (%s)", RECONCILE, volume.id(), reason);
    }

    private void finishDelete(VolumeRecord volume) {
        String problem = cleanup(() -> driver().deleteVolume(volume.id()), volume.id());
        if (!problem.isEmpty()) {
            moveVolume(volume.id(), VolumeState.ERROR, Optional.of("DeleteVolume was " + INTERRUPTED + problem
                    + ". Delete the volume again."));
            LOG.warnf("%s: volume %s was deleting: now error (%s)", RECONCILE, volume.id(), problem);
            return;
        }
        core.transactions().run(RECONCILE + ": " + volume.id() + " deleting -> deleted", () -> {
            VolumeRecord current = core.store().volume(volume.id()).orElseThrow();
            current.moveTo(VolumeState.DELETED, Optional.empty(), RECONCILE);
            core.store().removeVolume(current);
        });
        LOG.infof("%s: volume %s was deleting: now deleted", RECONCILE, volume.id());
    }

    private void moveVolume(String volumeId, VolumeState next, Optional<String> reason) {
        core.transactions().run(RECONCILE + ": " + volumeId + " -> " + next.wireName(), () -> {
            VolumeRecord current = core.store().volume(volumeId).orElseThrow();
            core.store().replaceVolume(current, current.moveTo(next, reason, RECONCILE));
        });
    }

    private VolumeDriver driver() {
        return core.drivers().driver();
    }

    /** Removes storage; returns "" when done, or a sentence for the state reason saying why it was not. */
    private static String cleanup(DriverCall call, String id) {
        try {
            call.run();
            return "";
        } catch (Exception e) {
            LOG.errorf(e, "%s: the storage of %s could not be removed", RECONCILE, id);
            return "; its storage could not be removed: " + e.getMessage();
        }
    }

    private static boolean attempt(Runnable step, String id) {
        try {
            step.run();
            return true;
        } catch (RuntimeException e) {
            LOG.errorf(e, "%s: %s could not be brought to a final state; it is tried again at the next start",
                    RECONCILE, id);
            return false;
        }
    }

    @FunctionalInterface
    private interface DriverCall {
        void run() throws Exception;
    }
}
