package org.vbs.core.service;

import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.RejectedExecutionException;
import org.jboss.logging.Logger;
import org.vbs.core.api.CreateVolumeRequest;
import org.vbs.core.api.DescribeRequest;
import org.vbs.core.api.ErrorCode;
import org.vbs.core.api.Page;
import org.vbs.core.api.SnapshotState;
import org.vbs.core.api.VbsException;
import org.vbs.core.api.Volume;
import org.vbs.core.api.VolumeState;
import org.vbs.core.domain.ResourceKind;
import org.vbs.core.domain.SnapshotRecord;
import org.vbs.core.domain.VolumeRecord;
import org.vbs.core.store.TokenEntry;
import org.vbs.core.store.TokenKey;
import org.vbs.plugins.spi.volume.ProgressListener;
import org.vbs.plugins.spi.volume.SnapshotRef;
import org.vbs.plugins.spi.volume.VolumeDriver;
import org.vbs.plugins.spi.volume.VolumeSpec;

/**
 * CreateVolume, DeleteVolume and DescribeVolumes. Metadata steps are short transactions; the
 * storage work runs between them, each with its compensation:
 *
 * <pre>
 * create (empty):         claim 'creating' -> driver.createVolume -> 'available'
 *                         driver fails: remove claim + index + token, fault (nothing left behind)
 * create (from snapshot): claim 'creating' -> (after commit, async) driver copy -> 'available'
 *                         copy fails: remove the partial storage, 'error' with the reason
 * delete:                 'deleting' -> driver.deleteVolume -> 'deleted' and removed with its index and token
 *                         driver fails: 'error' with the reason (DeleteVolume may be tried again)
 * </pre>
 */
final class VolumeWorkflow {
    static final String CREATE = "CreateVolume";
    static final String DELETE = "DeleteVolume";

    private static final Logger LOG = Logger.getLogger(VolumeWorkflow.class);

    /** A claim: the volume, and whether it is an earlier call's (same client token) rather than new. */
    private record Claim(VolumeRecord volume, boolean replayed) {
    }

    private final CoreContext core;
    private final OwnedResources owned;

    VolumeWorkflow(CoreContext core) {
        this.core = core;
        this.owned = new OwnedResources(core.store());
    }

    Volume create(String owner, CreateVolumeRequest request) {
        Optional<Long> size = request.sizeGiB().map(RequestRules::requireSize);
        Optional<String> snapshotId = request.snapshotId().map(ResourceKind.SNAPSHOT::requireWellFormed);
        if (size.isEmpty() && snapshotId.isEmpty()) {
            throw new VbsException(ErrorCode.MISSING_PARAMETER,
                    "CreateVolume needs a Size (in GiB) or a SnapshotId to take the size from.");
        }
        RequestRules.requireTags(request.tags());
        Optional<String> token = RequestRules.requireClientToken(request.clientToken());
        String fingerprint = ClientTokens.fingerprint(request);

        Claim claim = core.transactions().run(CREATE + ": claim a volume for " + owner,
                () -> claim(owner, request, token, fingerprint));
        VolumeRecord volume = claim.volume();
        if (claim.replayed()) {
            LOG.infof("%s: %s retried with the same client token; returning it (%s)", CREATE, volume.id(),
                    volume.state().wireName());
            return volume.toVolume();
        }
        LOG.infof("%s: %s claimed for %s (%d GiB%s)", CREATE, volume.id(), owner, volume.sizeGiB(),
                volume.snapshotId().map(s -> ", from " + s).orElse(""));
        if (volume.snapshotId().isPresent()) {
            startCopy(volume);
            return volume.toVolume();
        }
        return createEmpty(volume).toVolume();
    }

    Volume delete(String owner, String volumeId) {
        ResourceKind.VOLUME.requireWellFormed(volumeId);
        VolumeRecord deleting = core.transactions().run(DELETE + ": " + volumeId + " -> deleting", () -> {
            VolumeRecord current = owned.requireVolume(owner, volumeId);
            VolumeRecord next = current.moveTo(VolumeState.DELETING, Optional.empty(), DELETE);
            List<String> pending = core.store().snapshotsOf(owner).stream()
                    .filter(s -> s.volumeId().equals(volumeId) && s.state() == SnapshotState.PENDING)
                    .map(SnapshotRecord::id).toList();
            if (!pending.isEmpty()) {
                throw new VbsException(ErrorCode.INCORRECT_STATE, DELETE + " is not possible for volume " + volumeId
                        + " while its snapshot(s) " + String.join(", ", pending)
                        + " are pending: wait until they are completed.");
            }
            core.store().replaceVolume(current, next);
            return next;
        });
        LOG.infof("%s: %s is deleting", DELETE, volumeId);
        try {
            core.drivers().driver().deleteVolume(volumeId);
        } catch (Exception e) {
            VbsException fault = DriverFaults.of(e, "deleting the storage of " + volumeId);
            markError(deleting.id(), DELETE, DELETE + " could not remove the storage: " + fault.getMessage()
                    + " Delete the volume again.", fault);
            throw fault;
        }
        VolumeRecord deleted = core.transactions().run(DELETE + ": " + volumeId + " deleting -> deleted", () -> {
            VolumeRecord current = core.store().volume(volumeId).orElseThrow(() -> gone(volumeId));
            VolumeRecord next = current.moveTo(VolumeState.DELETED, Optional.empty(), DELETE);
            core.store().removeVolume(current);
            return next;
        });
        LOG.infof("%s: %s deleted", DELETE, volumeId);
        return deleted.toVolume();
    }

    Page<Volume> describe(String owner, DescribeRequest request) {
        return Describing.describe(request, ResourceKind.VOLUME,
                core.store().idsOf(owner, ResourceKind.VOLUME), id -> owned.volume(owner, id),
                DescribeFilters.volumes(request.filters()), VolumeRecord::toVolume);
    }

    /** The first metadata step: an earlier claim with this token, or a new 'creating' entry. */
    private Claim claim(String owner, CreateVolumeRequest request, Optional<String> token, String fingerprint) {
        if (token.isPresent()) {
            Optional<TokenEntry> earlier = core.store().token(new TokenKey(owner, token.get()));
            if (earlier.isPresent()) {
                return replay(token.get(), earlier.get(), fingerprint);
            }
        }
        long sizeGiB;
        if (request.snapshotId().isPresent()) {
            SnapshotRecord source = owned.requireSnapshot(owner, request.snapshotId().get());
            source.state().requireOneOf(source.id(), CREATE, EnumSet.of(SnapshotState.COMPLETED));
            sizeGiB = request.sizeGiB().orElse(source.volumeSizeGiB());
            if (sizeGiB < source.volumeSizeGiB()) {
                throw RequestRules.invalid("Size " + sizeGiB + " GiB is smaller than snapshot " + source.id()
                        + " (" + source.volumeSizeGiB() + " GiB): give at least " + source.volumeSizeGiB() + " GiB.");
            }
            // Written so that a concurrent DeleteSnapshot of the source conflicts with this claim.
            core.store().replaceSnapshot(source, source.touched());
        } else {
            sizeGiB = request.sizeGiB().orElseThrow();
        }
        Optional<TokenEntry> tokenEntry;
        VolumeRecord volume;
        do {
            volume = VolumeRecord.creating(core.ids().next(ResourceKind.VOLUME), owner, sizeGiB,
                    request.snapshotId(), request.tags(), token, core.clock().instant());
            tokenEntry = token.isPresent() ? Optional.of(new TokenEntry(volume.id(), fingerprint)) : Optional.empty();
        } while (!core.store().insertVolume(volume, tokenEntry));
        return new Claim(volume, false);
    }

    private Claim replay(String token, TokenEntry earlier, String fingerprint) {
        if (!earlier.fingerprint().equals(fingerprint)) {
            throw new VbsException(ErrorCode.IDEMPOTENT_PARAMETER_MISMATCH, "The client token was already used by a "
                    + CREATE + " with other parameters (it made " + earlier.volumeId()
                    + "); use a new token for a new volume.");
        }
        VolumeRecord volume = core.store().volume(earlier.volumeId()).orElseThrow(() -> new IllegalStateException(
                "client token of " + earlier.volumeId() + " outlived its volume"));
        return new Claim(volume, true);
    }

    private VolumeRecord createEmpty(VolumeRecord claimed) {
        try {
            core.drivers().driver().createVolume(new VolumeSpec(claimed.id(), claimed.sizeBytes()));
        } catch (Exception e) {
            VbsException fault = DriverFaults.of(e, "creating the storage of " + claimed.id());
            LOG.warnf("%s: %s failed in the driver (%s); undoing the claim", CREATE, claimed.id(), fault.getMessage());
            undoClaim(claimed, fault);
            throw fault;
        }
        try {
            VolumeRecord available = finish(claimed.id(), VolumeState.AVAILABLE, Optional.empty(), CREATE);
            LOG.infof("%s: %s available", CREATE, claimed.id());
            return available;
        } catch (RuntimeException e) {
            // The storage exists but the metadata cannot say so: take both back.
            VbsException fault = e instanceof VbsException v ? v : new VbsException(ErrorCode.INTERNAL_ERROR,
                    CREATE + " could not record " + claimed.id() + " as available: " + e.getMessage(), e);
            removeStorage(claimed.id(), fault);
            undoClaim(claimed, fault);
            throw fault;
        }
    }

    private void startCopy(VolumeRecord claimed) {
        try {
            core.executor().execute(() -> copyFromSnapshot(claimed));
        } catch (RejectedExecutionException e) {
            VbsException fault = new VbsException(ErrorCode.SERVICE_UNAVAILABLE,
                    "The service is too busy to start copying " + claimed.snapshotId().orElseThrow() + " into a volume;"
                            + " retry later.", e);
            undoClaim(claimed, fault);
            throw fault;
        }
    }

    /** Runs on the executor, after the claim committed: the copy, then 'available' or 'error'. */
    private void copyFromSnapshot(VolumeRecord claimed) {
        String snapshotId = claimed.snapshotId().orElseThrow();
        LOG.infof("%s: %s copying from %s", CREATE, claimed.id(), snapshotId);
        try {
            // DeleteSnapshot is refused while a volume is being created from it, so the source is there.
            SnapshotRecord source = core.store().snapshot(snapshotId).orElseThrow(() -> new IllegalStateException(
                    "source snapshot " + snapshotId + " of " + claimed.id() + " is gone"));
            VolumeDriver driver = core.drivers().driver();
            driver.createVolumeFromSnapshot(new VolumeSpec(claimed.id(), claimed.sizeBytes()),
                    new SnapshotRef(source.id(), source.volumeId(), source.volumeSizeBytes()), ProgressListener.NONE);
        } catch (Exception e) {
            VbsException fault = DriverFaults.of(e, "copying " + snapshotId + " into " + claimed.id());
            LOG.errorf(e, "%s: %s could not be copied from %s", CREATE, claimed.id(), snapshotId);
            removeStorage(claimed.id(), fault);
            markError(claimed.id(), CREATE, "The copy from " + snapshotId + " failed: " + fault.getMessage()
                    + suppressedNote(fault), fault);
            return;
        }
        try {
            finish(claimed.id(), VolumeState.AVAILABLE, Optional.empty(), CREATE);
            LOG.infof("%s: %s available (copied from %s)", CREATE, claimed.id(), snapshotId);
        } catch (RuntimeException e) {
            LOG.errorf(e, "%s: %s was copied but could not be recorded as available; removing it", CREATE,
                    claimed.id());
            removeStorage(claimed.id(), e);
            markError(claimed.id(), CREATE, "The copy finished but could not be recorded: " + e.getMessage(), e);
        }
    }

    private VolumeRecord finish(String volumeId, VolumeState next, Optional<String> reason, String operation) {
        return core.transactions().run(operation + ": " + volumeId + " -> " + next.wireName(), () -> {
            VolumeRecord current = core.store().volume(volumeId).orElseThrow(() -> gone(volumeId));
            VolumeRecord moved = current.moveTo(next, reason, operation);
            core.store().replaceVolume(current, moved);
            return moved;
        });
    }

    /** Compensation of a claim: removes the entry, its index entry and its token; 'error' if even that fails. */
    private void undoClaim(VolumeRecord claimed, Exception failure) {
        try {
            core.transactions().run(CREATE + ": undo the claim of " + claimed.id(), () -> {
                VolumeRecord current = core.store().volume(claimed.id()).orElseThrow(() -> gone(claimed.id()));
                core.store().removeVolume(current);
            });
            LOG.infof("%s: claim of %s undone", CREATE, claimed.id());
        } catch (RuntimeException undoFailure) {
            failure.addSuppressed(undoFailure);
            LOG.errorf(undoFailure, "%s: the claim of %s could not be undone", CREATE, claimed.id());
            markError(claimed.id(), CREATE, CREATE + " failed (" + failure.getMessage()
                    + ") and its claim could not be removed.", failure);
        }
    }

    /** Moves a volume to 'error'; if even that fails, the failure is attached and logged (the reconciler retries). */
    private void markError(String volumeId, String operation, String reason, Exception failure) {
        try {
            finish(volumeId, VolumeState.ERROR, Optional.of(reason), operation);
            LOG.errorf("%s: %s is in error: %s", operation, volumeId, reason);
        } catch (RuntimeException markFailure) {
            failure.addSuppressed(markFailure);
            LOG.errorf(markFailure, "%s: %s could not be moved to error (reason was: %s); it stays until the next"
                    + " start reconciles it", operation, volumeId, reason);
        }
    }

    /** Removes a volume's storage after a failure; a failure to do so is attached to {@code failure}. */
    private void removeStorage(String volumeId, Exception failure) {
        try {
            core.drivers().driver().deleteVolume(volumeId);
        } catch (Exception cleanupFailure) {
            failure.addSuppressed(cleanupFailure);
            LOG.errorf(cleanupFailure, "%s: the storage of %s could not be removed after a failure", CREATE,
                    volumeId);
        }
    }

    private static String suppressedNote(Exception failure) {
        return failure.getSuppressed().length == 0 ? ""
                : " Its partial storage could not be removed: " + failure.getSuppressed()[0].getMessage();
    }

    private static IllegalStateException gone(String volumeId) {
        return new IllegalStateException(volumeId + " vanished while a step of its workflow was running");
    }
}
