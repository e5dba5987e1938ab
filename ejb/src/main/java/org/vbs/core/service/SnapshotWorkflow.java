package org.vbs.core.service;

import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.RejectedExecutionException;
import org.jboss.logging.Logger;
import org.vbs.core.api.DescribeRequest;
import org.vbs.core.api.ErrorCode;
import org.vbs.core.api.Page;
import org.vbs.core.api.Snapshot;
import org.vbs.core.api.SnapshotState;
import org.vbs.core.api.VbsException;
import org.vbs.core.api.VolumeState;
import org.vbs.core.domain.ResourceKind;
import org.vbs.core.domain.SnapshotRecord;
import org.vbs.core.domain.VolumeRecord;
import org.vbs.plugins.spi.volume.ProgressListener;
import org.vbs.plugins.spi.volume.SnapshotRef;

/**
 * CreateSnapshot, DeleteSnapshot and DescribeSnapshots.
 *
 * <pre>
 * create: 'pending' 0% (committed) -> (async) driver copy, progress every +5% -> 'completed' 100%
 *         copy fails: the driver's partial storage removed, 'error' with the reason
 * delete: entry and index removed (the entry is the lock: nobody can use the snapshot after that)
 *         -> driver.deleteSnapshot; driver fails: the entry comes back in 'error' with the reason
 * </pre>
 */
final class SnapshotWorkflow {
    static final String CREATE = "CreateSnapshot";
    static final String DELETE = "DeleteSnapshot";
    /** Progress is written to the cache when it has grown by this many percent. */
    static final int PROGRESS_STEP = 5;

    private static final Logger LOG = Logger.getLogger(SnapshotWorkflow.class);

    private final CoreContext core;
    private final OwnedResources owned;

    SnapshotWorkflow(CoreContext core) {
        this.core = core;
        this.owned = new OwnedResources(core.store());
    }

    Snapshot create(String owner, String volumeId, String description) {
        ResourceKind.VOLUME.requireWellFormed(volumeId);
        String checkedDescription = RequestRules.requireDescription(description);
        SnapshotRecord pending = core.transactions().run(CREATE + ": pending snapshot of " + volumeId, () -> {
            VolumeRecord volume = owned.requireVolume(owner, volumeId);
            volume.state().requireOneOf(volumeId, CREATE, EnumSet.of(VolumeState.AVAILABLE));
            // Written so that a concurrent DeleteVolume conflicts with this step and then sees the snapshot.
            core.store().replaceVolume(volume, volume.touched());
            SnapshotRecord snapshot;
            do {
                snapshot = SnapshotRecord.pending(core.ids().next(ResourceKind.SNAPSHOT), owner, volume,
                        checkedDescription, core.clock().instant());
            } while (!core.store().insertSnapshot(snapshot));
            return snapshot;
        });
        LOG.infof("%s: %s of %s pending", CREATE, pending.id(), volumeId);
        try {
            core.executor().execute(() -> copy(pending));
        } catch (RejectedExecutionException e) {
            VbsException fault = new VbsException(ErrorCode.SERVICE_UNAVAILABLE,
                    "The service is too busy to start snapshot copies; retry later.", e);
            try {
                core.transactions().run(CREATE + ": undo " + pending.id(), () -> core.store().removeSnapshot(pending));
            } catch (RuntimeException undoFailure) {
                fault.addSuppressed(undoFailure);
                LOG.errorf(undoFailure, "%s: %s could not be removed after its copy was refused; it stays pending"
                        + " until the next start reconciles it", CREATE, pending.id());
            }
            throw fault;
        }
        return pending.toSnapshot();
    }

    void delete(String owner, String snapshotId) {
        ResourceKind.SNAPSHOT.requireWellFormed(snapshotId);
        SnapshotRecord removed = core.transactions().run(DELETE + ": remove " + snapshotId, () -> {
            SnapshotRecord current = owned.requireSnapshot(owner, snapshotId);
            current.state().requireOneOf(snapshotId, DELETE, EnumSet.of(SnapshotState.COMPLETED, SnapshotState.ERROR));
            List<String> copying = core.store().volumesOf(owner).stream()
                    .filter(v -> v.state() == VolumeState.CREATING && v.snapshotId().equals(Optional.of(snapshotId)))
                    .map(VolumeRecord::id).toList();
            if (!copying.isEmpty()) {
                throw new VbsException(ErrorCode.INCORRECT_STATE, DELETE + " is not possible for snapshot "
                        + snapshotId + " while volume(s) " + String.join(", ", copying)
                        + " are being created from it: wait until they are available.");
            }
            core.store().removeSnapshot(current);
            return current;
        });
        LOG.infof("%s: %s removed from the metadata; removing its storage", DELETE, snapshotId);
        try {
            core.drivers().driver().deleteSnapshot(snapshotId);
        } catch (Exception e) {
            VbsException fault = DriverFaults.of(e, "deleting the storage of " + snapshotId);
            restoreAsError(removed, fault);
            throw fault;
        }
        LOG.infof("%s: %s deleted", DELETE, snapshotId);
    }

    Page<Snapshot> describe(String owner, DescribeRequest request) {
        return Describing.describe(request, ResourceKind.SNAPSHOT,
                core.store().idsOf(owner, ResourceKind.SNAPSHOT), id -> owned.snapshot(owner, id),
                DescribeFilters.snapshots(request.filters()), SnapshotRecord::toSnapshot);
    }

    /** Runs on the executor, after the pending snapshot committed. */
    private void copy(SnapshotRecord pending) {
        LOG.infof("%s: %s copying %s", CREATE, pending.id(), pending.volumeId());
        try {
            core.drivers().driver().createSnapshot(
                    new SnapshotRef(pending.id(), pending.volumeId(), pending.volumeSizeBytes()),
                    new ThrottledProgress(pending.id()));
        } catch (Exception e) {
            VbsException fault = DriverFaults.of(e, "copying " + pending.volumeId() + " into " + pending.id());
            LOG.errorf(e, "%s: %s failed", CREATE, pending.id());
            String reason = "The copy failed: " + fault.getMessage();
            try {
                core.drivers().driver().deleteSnapshot(pending.id());
            } catch (Exception cleanupFailure) {
                LOG.errorf(cleanupFailure, "%s: the partial storage of %s could not be removed", CREATE, pending.id());
                reason += " Its partial storage could not be removed: " + cleanupFailure.getMessage();
            }
            finish(pending.id(), SnapshotState.ERROR, Optional.of(reason));
            return;
        }
        finish(pending.id(), SnapshotState.COMPLETED, Optional.empty());
    }

    /** The last step of a copy; if even that cannot be written, the next start's reconciler ends the snapshot. */
    private void finish(String snapshotId, SnapshotState next, Optional<String> reason) {
        try {
            core.transactions().run(CREATE + ": " + snapshotId + " -> " + next.wireName(), () -> {
                SnapshotRecord current = core.store().snapshot(snapshotId).orElseThrow(() -> new IllegalStateException(
                        snapshotId + " vanished while it was pending"));
                core.store().replaceSnapshot(current, current.moveTo(next, reason, CREATE));
            });
            LOG.infof("%s: %s %s%s", CREATE, snapshotId, next.wireName(), reason.map(r -> ": " + r).orElse(""));
        } catch (RuntimeException e) {
            LOG.errorf(e, "%s: %s could not be recorded as %s; it stays pending until the next start reconciles it",
                    CREATE, snapshotId, next.wireName());
        }
    }

    /** Compensation of a failed storage removal: the entry returns, in 'error', so the owner can retry. */
    private void restoreAsError(SnapshotRecord removed, VbsException fault) {
        String reason = DELETE + " could not remove the storage: " + fault.getMessage() + " Delete it again.";
        try {
            boolean restored = core.transactions().run(DELETE + ": restore " + removed.id() + " as error",
                    () -> core.store().insertSnapshot(removed.markError(reason, DELETE)));
            if (!restored) {
                throw new IllegalStateException(removed.id() + " was claimed again while it was being deleted");
            }
            LOG.errorf("%s: %s is in error: %s", DELETE, removed.id(), reason);
        } catch (RuntimeException restoreFailure) {
            fault.addSuppressed(restoreFailure);
            LOG.errorf(restoreFailure, "%s: %s is gone from the metadata but its storage may remain", DELETE,
                    removed.id());
        }
    }

    /** Writes the copy's progress with a compare-and-set each time it has grown by {@link #PROGRESS_STEP}%. */
    private final class ThrottledProgress implements ProgressListener {
        private final String snapshotId;
        private int written;

        ThrottledProgress(String snapshotId) {
            this.snapshotId = snapshotId;
        }

        @Override
        public void progress(int percent) {
            if (percent < written + PROGRESS_STEP || percent >= 100) {
                return;
            }
            try {
                core.transactions().run(CREATE + ": " + snapshotId + " progress " + percent + "%", () -> {
                    core.store().snapshot(snapshotId)
                            .filter(s -> s.state() == SnapshotState.PENDING && s.progress() < percent)
                            .ifPresent(s -> core.store().replaceSnapshot(s, s.withProgress(percent)));
                });
                written = percent;
            } catch (RuntimeException e) {
                // Progress is advisory: the copy goes on, and the next step tries again.
                LOG.warnf(e, "%s: could not record %d%% for %s", CREATE, percent, snapshotId);
            }
        }
    }
}
