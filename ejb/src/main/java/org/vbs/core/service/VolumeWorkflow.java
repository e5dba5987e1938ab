package org.vbs.core.service;

import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
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
import org.vbs.core.ops.OperationFailedException;
import org.vbs.core.ops.OperationKind;
import org.vbs.core.ops.OperationRecord;
import org.vbs.core.ops.Plan;
import org.vbs.core.ops.Step;
import org.vbs.core.store.TokenEntry;
import org.vbs.core.store.TokenKey;
import org.vbs.plugins.spi.volume.ProgressListener;
import org.vbs.plugins.spi.volume.SnapshotRef;
import org.vbs.plugins.spi.volume.VolumeSpec;

/**
 * CreateVolume, DeleteVolume and DescribeVolumes. Creating and deleting are operations of the
 * {@link org.vbs.core.ops.StepRunner}: a claim that commits with the journal record, then the steps of
 * their plans, each with its compensation (no roll-back code here):
 *
 * <pre>
 * create (empty):         claim 'creating' | create-storage | 'available'         interrupted: rolled back
 * create (from snapshot): claim 'creating' | copy (async)   | 'available'         interrupted: resumed
 *                         rolled back: the copy removed, the volume 'error' with the reason
 * delete:                 'deleting'       | delete-storage | removed + index + token   interrupted: resumed
 *                         rolled back: 'error' with the reason (DeleteVolume may be tried again)
 * </pre>
 */
final class VolumeWorkflow {
    static final String CREATE = "CreateVolume";
    static final String DELETE = "DeleteVolume";

    /**
     * How long a CreateVolume waits for the volume its client token names before it takes the token for a
     * new volume. A token names no volume when the transaction that wrote (or removed) both was split by
     * its node's death (see MetadataStore): the token kept from a node that applied the commit, the volume
     * from one that did not. A live node's commit reaches every node within milliseconds, so a volume still
     * missing after this is not on its way; a commit that slow (a node stalled while committing) would end
     * as a second volume carrying the same token.
     */
    static final Duration DANGLING_TOKEN_GRACE = Duration.ofSeconds(2);
    private static final Duration DANGLING_TOKEN_POLL = Duration.ofMillis(100);

    private static final Logger LOG = Logger.getLogger(VolumeWorkflow.class);

    /** A claim: the volume, the operation that makes it (none when an earlier call's volume is returned). */
    private record Claim(VolumeRecord volume, Optional<OperationRecord> operation) {
    }

    /** The claim found the client token naming a volume that is not there; nothing was written. */
    private static final class DanglingToken extends RuntimeException {
        private final TokenEntry entry;

        DanglingToken(TokenEntry entry) {
            super("the client token names " + entry.volumeId() + ", which is not there", null, false, false);
            this.entry = entry;
        }
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
        // Placement asks the drivers, so it happens before the claim's transaction, not inside it.
        Optional<String> host = snapshotId.isPresent() ? Optional.empty()
                : Optional.of(Placement.choose(core.hosts(), size.orElseThrow() << 30));

        Claim claim;
        try {
            claim = claim(owner, request, host, token, fingerprint, Optional.empty());
        } catch (DanglingToken dangling) {
            String named = dangling.entry.volumeId();
            if (appears(named)) {
                claim = claim(owner, request, host, token, fingerprint, Optional.empty());
            } else {
                LOG.warnf("%s: client token %s of %s names %s, which is not there %d ms later (the node that claimed"
                        + " or deleted it died between the commits of its transaction); the token makes a new volume",
                        CREATE, token.orElseThrow(), owner, named, DANGLING_TOKEN_GRACE.toMillis());
                claim = claim(owner, request, host, token, fingerprint, Optional.of(dangling.entry));
            }
        }
        VolumeRecord volume = claim.volume();
        if (claim.operation().isEmpty()) {
            LOG.infof("%s: %s retried with the same client token; returning it (%s)", CREATE, volume.id(),
                    volume.state().wireName());
            return volume.toVolume();
        }
        OperationRecord operation = claim.operation().get();
        LOG.infof("%s: %s claimed on %s for %s (%d GiB%s), operation %s", CREATE, volume.id(), volume.host(), owner,
                volume.sizeGiB(), volume.snapshotId().map(s -> ", from " + s).orElse(""), operation.id());
        if (volume.snapshotId().isPresent()) {
            try {
                core.runner().runLater(operation, core.executor());
            } catch (RejectedExecutionException e) {
                LOG.warnf("%s: the executor is saturated; copying %s in the request's thread", CREATE, volume.id());
                core.runner().run(operation);
            }
            return volume.toVolume();
        }
        core.runner().run(operation);
        return current(volume.id()).toVolume();
    }

    Volume delete(String owner, String volumeId) {
        ResourceKind.VOLUME.requireWellFormed(volumeId);
        OperationRecord operation = core.transactions().run(DELETE + ": " + volumeId + " -> deleting", () -> {
            VolumeRecord current = owned.requireVolume(owner, volumeId);
            if (current.attachment().isPresent()) {
                throw new VbsException(ErrorCode.INCORRECT_STATE, DELETE + " is not possible for volume " + volumeId
                        + " while it is attached to instance " + current.attachment().get().instanceId()
                        + " (" + current.state().wireName() + "): detach it first.");
            }
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
            return Operations.journal(core, OperationKind.DELETE_VOLUME, volumeId, owner, Map.of());
        });
        VolumeRecord deleting = current(volumeId);
        LOG.infof("%s: %s is deleting, operation %s", DELETE, volumeId, operation.id());
        try {
            core.runner().run(operation);
        } catch (OperationFailedException e) {
            if (!e.handedOver()) {
                throw e;
            }
            // A taken-over delete is resumed, never rolled back (Plan.Recovery.RESUME below), so the caller is
            // told the volume is deleting, as EC2 answers a DeleteVolume, not that the request failed.
            LOG.warnf("%s: %s is deleted by the node that took operation %s over (%s)", DELETE, volumeId,
                    operation.id(), e.getCause().getMessage());
            return deleting.toVolume();
        }
        LOG.infof("%s: %s deleted", DELETE, volumeId);
        return deleting.moveTo(VolumeState.DELETED, Optional.empty(), DELETE).toVolume();
    }

    /** @param everyOwners whether the caller sees every owner's volumes (an administrator) or only its own */
    Page<Volume> describe(String owner, boolean everyOwners, DescribeRequest request) {
        return Describing.describe(request, ResourceKind.VOLUME,
                everyOwners ? core.store().allIds(ResourceKind.VOLUME) : core.store().idsOf(owner, ResourceKind.VOLUME),
                everyOwners ? owned::anyVolume : id -> owned.volume(owner, id),
                DescribeFilters.volumes(request.filters()), VolumeRecord::toVolume);
    }

    /** The plans of the operations this workflow starts. */
    Plan plan(OperationRecord operation) {
        String volumeId = operation.resourceId();
        return switch (operation.kind()) {
            case CREATE_VOLUME -> new Plan(List.of(
                    Step.metadata("claim", Operations.STARTED, (op, reason) -> removeClaim(volumeId)),
                    Step.storage("create-storage", core.timeouts().hostCall(),
                            op -> driverOf(volumeId).createVolume(spec(volumeId)),
                            (op, reason) -> driverOf(volumeId).deleteVolume(volumeId)),
                    Step.metadata("available", op -> move(volumeId, VolumeState.AVAILABLE, Optional.empty()),
                            Step.Compensation.NOTHING)),
                    // Resumed, not rolled back: a retry with the client token may already have answered
                    // with this volume's id (through another node), so the volume is finished, not removed.
                    Plan.Recovery.RESUME, (op, reason) -> markError(volumeId, reason, CREATE),
                    Operations.volumeIn(core, volumeId, VolumeState.CREATING));
            case CREATE_VOLUME_FROM_SNAPSHOT -> new Plan(List.of(
                    Step.metadata("claim", Operations.STARTED, (op, reason) -> markError(volumeId, reason, CREATE)),
                    Step.storage("copy", core.timeouts().copy(), op -> copy(volumeId),
                            (op, reason) -> driverOf(volumeId).deleteVolume(volumeId)),
                    Step.metadata("available", op -> move(volumeId, VolumeState.AVAILABLE, Optional.empty()),
                            Step.Compensation.NOTHING)),
                    Plan.Recovery.RESUME, (op, reason) -> markError(volumeId, reason, CREATE),
                    Operations.volumeIn(core, volumeId, VolumeState.CREATING));
            case DELETE_VOLUME -> new Plan(List.of(
                    Step.metadata("deleting", Operations.STARTED, (op, reason) -> markError(volumeId, reason
                            + ": the volume's storage may remain. Delete the volume again.", DELETE)),
                    Step.storage("delete-storage", core.timeouts().hostCall(),
                            op -> driverOf(volumeId).deleteVolume(volumeId), Step.Compensation.NOTHING),
                    Step.metadata("remove", op -> remove(volumeId), Step.Compensation.NOTHING)),
                    Plan.Recovery.RESUME, (op, reason) -> markError(volumeId, reason, DELETE),
                    Operations.volumeIn(core, volumeId, VolumeState.DELETING));
            default -> throw new IllegalArgumentException("not a volume operation: " + operation);
        };
    }

    /** Whether the volume is there within {@link #DANGLING_TOKEN_GRACE} (read outside any transaction). */
    private boolean appears(String volumeId) {
        long deadline = System.nanoTime() + DANGLING_TOKEN_GRACE.toNanos();
        while (core.store().volume(volumeId).isEmpty()) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            try {
                Thread.sleep(DANGLING_TOKEN_POLL.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new VbsException(ErrorCode.INTERNAL_ERROR, CREATE + " was interrupted while waiting for "
                        + volumeId + ", which its client token names", e);
            }
        }
        return true;
    }

    /**
     * The claim's transaction: an earlier claim with this token, or a new 'creating' entry and its operation.
     *
     * @param dangling a token entry naming no volume, found so for {@link #DANGLING_TOKEN_GRACE}: replaced,
     *                 if it is still the token's entry
     * @throws DanglingToken when the token names a volume that is not there (and is not {@code dangling})
     */
    private Claim claim(String owner, CreateVolumeRequest request, Optional<String> placedOn, Optional<String> token,
                        String fingerprint, Optional<TokenEntry> dangling) {
        return core.transactions().runForOwner(owner, CREATE + ": claim a volume for " + owner,
                () -> claimStep(owner, request, placedOn, token, fingerprint, dangling));
    }

    private Claim claimStep(String owner, CreateVolumeRequest request, Optional<String> placedOn,
                            Optional<String> token, String fingerprint, Optional<TokenEntry> dangling) {
        if (token.isPresent()) {
            TokenKey key = new TokenKey(owner, token.get());
            Optional<TokenEntry> earlier = core.store().token(key);
            if (earlier.isPresent()) {
                Optional<VolumeRecord> made = core.store().volume(earlier.get().volumeId());
                if (made.isPresent()) {
                    return new Claim(replay(earlier.get(), made.get(), fingerprint), Optional.empty());
                }
                if (!earlier.equals(dangling)) {
                    throw new DanglingToken(earlier.get());
                }
                core.store().removeToken(key, earlier.get());
            }
        }
        long sizeGiB;
        String host;
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
            host = source.host();
        } else {
            sizeGiB = request.sizeGiB().orElseThrow();
            host = placedOn.orElseThrow();
        }
        Optional<TokenEntry> tokenEntry;
        VolumeRecord volume;
        do {
            volume = VolumeRecord.creating(core.ids().next(ResourceKind.VOLUME), owner, host, sizeGiB,
                    request.snapshotId(), request.tags(), token, core.clock().instant());
            tokenEntry = token.isPresent() ? Optional.of(new TokenEntry(volume.id(), fingerprint)) : Optional.empty();
        } while (!core.store().insertVolume(volume, tokenEntry));
        OperationKind kind = request.snapshotId().isPresent() ? OperationKind.CREATE_VOLUME_FROM_SNAPSHOT
                : OperationKind.CREATE_VOLUME;
        return new Claim(volume, Optional.of(Operations.journal(core, kind, volume.id(), owner, Map.of())));
    }

    private static VolumeRecord replay(TokenEntry earlier, VolumeRecord made, String fingerprint) {
        if (!earlier.fingerprint().equals(fingerprint)) {
            throw new VbsException(ErrorCode.IDEMPOTENT_PARAMETER_MISMATCH, "The client token was already used by a "
                    + CREATE + " with other parameters (it made " + earlier.volumeId()
                    + "); use a new token for a new volume.");
        }
        return made;
    }

    private void copy(String volumeId) throws Exception {
        VolumeRecord volume = current(volumeId);
        String snapshotId = volume.snapshotId().orElseThrow();
        // DeleteSnapshot is refused while a volume is being created from it, so the source is there.
        SnapshotRecord source = core.store().snapshot(snapshotId).orElseThrow(() -> new IllegalStateException(
                "source snapshot " + snapshotId + " of " + volumeId + " is gone"));
        driverOf(volumeId).createVolumeFromSnapshot(spec(volumeId),
                new SnapshotRef(source.id(), source.volumeId(), source.volumeSizeBytes()), ProgressListener.NONE);
    }

    private VolumeSpec spec(String volumeId) {
        VolumeRecord volume = current(volumeId);
        return new VolumeSpec(volume.id(), volume.sizeBytes());
    }

    private org.vbs.plugins.spi.volume.VolumeDriver driverOf(String volumeId) {
        return core.hosts().volumeDriver(current(volumeId).host());
    }

    private VolumeRecord current(String volumeId) {
        return core.store().volume(volumeId).orElseThrow(() -> new IllegalStateException(
                volumeId + " vanished while an operation on it was running"));
    }

    // The metadata actions below run inside the runner's transactions.

    private void move(String volumeId, VolumeState next, Optional<String> reason) {
        VolumeRecord current = current(volumeId);
        core.store().replaceVolume(current, current.moveTo(next, reason, CREATE));
    }

    private void markError(String volumeId, String reason, String operation) {
        core.store().volume(volumeId).ifPresent(current ->
                core.store().replaceVolume(current, current.markError(reason, operation)));
    }

    private void removeClaim(String volumeId) {
        core.store().volume(volumeId).ifPresent(current -> core.store().removeVolume(current));
    }

    private void remove(String volumeId) {
        VolumeRecord current = current(volumeId);
        current.moveTo(VolumeState.DELETED, Optional.empty(), DELETE);
        core.store().removeVolume(current);
    }
}
