package org.vbs.core.service;

import java.util.EnumSet;
import java.util.List;
import java.util.Map;
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
import org.vbs.core.ops.OperationKind;
import org.vbs.core.ops.OperationRecord;
import org.vbs.core.ops.Plan;
import org.vbs.core.ops.Step;
import org.vbs.plugins.spi.volume.ProgressListener;
import org.vbs.plugins.spi.volume.SnapshotRef;
import org.vbs.plugins.spi.volume.VolumeDriver;

/**
 * CreateSnapshot, DeleteSnapshot and DescribeSnapshots, as operations of the
 * {@link org.vbs.core.ops.StepRunner}:
 *
 * <pre>
 * create: 'pending' 0% | copy (async), progress every +5% | 'completed' 100%     interrupted: rolled back
 *         rolled back: the partial copy removed, 'error' with the reason
 * delete: 'deleting' (invisible from then on) | delete-storage | removed + index  interrupted: resumed
 *         rolled back: 'error' with the reason (DeleteSnapshot may be tried again)
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
        OperationRecord operation = core.transactions().runForOwner(owner, CREATE + ": pending snapshot of "
                + volumeId, () -> {
                    VolumeRecord volume = owned.requireVolume(owner, volumeId);
                    // An in-use volume is snapshotted as it is: crash-consistent (what a power cut would leave).
                    volume.state().requireOneOf(volumeId, CREATE,
                            EnumSet.of(VolumeState.AVAILABLE, VolumeState.IN_USE));
                    // Written so that a concurrent DeleteVolume conflicts with this step and then sees the snapshot.
                    core.store().replaceVolume(volume, volume.touched());
                    SnapshotRecord snapshot;
                    do {
                        snapshot = SnapshotRecord.pending(core.ids().next(ResourceKind.SNAPSHOT), owner, volume,
                                checkedDescription, core.clock().instant());
                    } while (!core.store().insertSnapshot(snapshot));
                    return Operations.journal(core, OperationKind.CREATE_SNAPSHOT, snapshot.id(), owner, Map.of());
                });
        SnapshotRecord pending = current(operation.resourceId());
        LOG.infof("%s: %s of %s pending, operation %s", CREATE, pending.id(), volumeId, operation.id());
        try {
            core.runner().runLater(operation, core.executor());
        } catch (RejectedExecutionException e) {
            LOG.warnf("%s: the executor is saturated; copying %s in the request's thread", CREATE, pending.id());
            core.runner().run(operation);
        }
        return pending.toSnapshot();
    }

    void delete(String owner, String snapshotId) {
        ResourceKind.SNAPSHOT.requireWellFormed(snapshotId);
        OperationRecord operation = core.transactions().run(DELETE + ": " + snapshotId + " -> deleting", () -> {
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
            core.store().replaceSnapshot(current, current.moveTo(SnapshotState.DELETING, Optional.empty(), DELETE));
            return Operations.journal(core, OperationKind.DELETE_SNAPSHOT, snapshotId, owner, Map.of());
        });
        LOG.infof("%s: %s is deleting, operation %s", DELETE, snapshotId, operation.id());
        core.runner().run(operation);
        LOG.infof("%s: %s deleted", DELETE, snapshotId);
    }

    /** @param everyOwners whether the caller sees every owner's snapshots (an administrator) or only its own */
    Page<Snapshot> describe(String owner, boolean everyOwners, DescribeRequest request) {
        return Describing.describe(request, ResourceKind.SNAPSHOT,
                everyOwners ? core.store().allIds(ResourceKind.SNAPSHOT)
                        : core.store().idsOf(owner, ResourceKind.SNAPSHOT),
                everyOwners ? owned::anySnapshot : id -> owned.snapshot(owner, id),
                DescribeFilters.snapshots(request.filters()), SnapshotRecord::toSnapshot);
    }

    /** The plans of the operations this workflow starts. */
    Plan plan(OperationRecord operation) {
        String snapshotId = operation.resourceId();
        return switch (operation.kind()) {
            case CREATE_SNAPSHOT -> new Plan(List.of(
                    Step.metadata("pending", Operations.STARTED, (op, reason) -> markError(snapshotId, reason, CREATE)),
                    Step.storage("copy", core.timeouts().copy(), op -> copy(snapshotId),
                            (op, reason) -> driverOf(snapshotId).deleteSnapshot(snapshotId)),
                    Step.metadata("completed", op -> move(snapshotId, SnapshotState.COMPLETED),
                            Step.Compensation.NOTHING)),
                    Plan.Recovery.ROLL_BACK, (op, reason) -> markError(snapshotId, reason, CREATE),
                    Operations.snapshotIn(core, snapshotId, SnapshotState.PENDING));
            case DELETE_SNAPSHOT -> new Plan(List.of(
                    Step.metadata("deleting", Operations.STARTED, (op, reason) -> markError(snapshotId, reason
                            + ": the snapshot's storage may remain. Delete the snapshot again.", DELETE)),
                    Step.storage("delete-storage", core.timeouts().hostCall(),
                            op -> driverOf(snapshotId).deleteSnapshot(snapshotId), Step.Compensation.NOTHING),
                    Step.metadata("remove", op -> core.store().removeSnapshot(current(snapshotId)),
                            Step.Compensation.NOTHING)),
                    Plan.Recovery.RESUME, (op, reason) -> markError(snapshotId, reason, DELETE),
                    Operations.snapshotIn(core, snapshotId, SnapshotState.DELETING));
            default -> throw new IllegalArgumentException("not a snapshot operation: " + operation);
        };
    }

    private void copy(String snapshotId) throws Exception {
        SnapshotRecord pending = current(snapshotId);
        driverOf(snapshotId).createSnapshot(new SnapshotRef(pending.id(), pending.volumeId(), pending.volumeSizeBytes()),
                new ThrottledProgress(pending.id()));
    }

    private VolumeDriver driverOf(String snapshotId) {
        return core.hosts().volumeDriver(current(snapshotId).host());
    }

    private SnapshotRecord current(String snapshotId) {
        return core.store().snapshot(snapshotId).orElseThrow(() -> new IllegalStateException(
                snapshotId + " vanished while an operation on it was running"));
    }

    // The metadata actions below run inside the runner's transactions.

    private void move(String snapshotId, SnapshotState next) {
        SnapshotRecord current = current(snapshotId);
        core.store().replaceSnapshot(current, current.moveTo(next, Optional.empty(), CREATE));
    }

    private void markError(String snapshotId, String reason, String operation) {
        core.store().snapshot(snapshotId).ifPresent(current ->
                core.store().replaceSnapshot(current, current.markError(reason, operation)));
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
