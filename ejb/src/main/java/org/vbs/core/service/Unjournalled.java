package org.vbs.core.service;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.jboss.logging.Logger;
import org.vbs.core.api.SnapshotState;
import org.vbs.core.domain.SnapshotRecord;
import org.vbs.core.domain.VolumeRecord;
import org.vbs.core.ops.OperationKind;
import org.vbs.core.ops.OperationRecord;
import org.vbs.core.ops.Plan;
import org.vbs.core.store.MetadataStore;

/**
 * Journals again, for this node, a volume or snapshot left in a state only an operation puts it in
 * ({@code creating}, {@code deleting}, {@code attaching}, {@code detaching}; {@code pending},
 * {@code deleting}) with no journal record naming it, so the step runner finishes it as any
 * interrupted operation, by its plan: a create, delete or detach is resumed, an attach rolled back, a
 * snapshot's copy rolled back to {@code error} with the reason.
 *
 * <p>How such a resource comes about: an operation's first step writes the resource and the journal
 * record in one transaction, its last step the resource and the record's removal. When the node
 * committing it is killed while its commit reaches the others, some apply it and others roll it back,
 * prepared and never committed (Infinispan's rule for a departed member's transaction, see
 * OrphanedTransactions); the conflict resolution that follows a coordinator's death takes each entry
 * from one node, so the resource's new state may come from one that applied the commit and the record
 * from one that did not (see MetadataStore). Nothing else would ever end it (BalancedClusterIT's
 * workload left volumes {@code creating} and {@code attaching}, when each kind of entry still had a
 * cache, and so an XA branch, of its own).
 *
 * <p>Which steps ran is then unknown, from none to all: the record says as many are done as lets
 * recovery cover them all ({@link Plan#stepsDoneUnknown}). What the steps need comes from the resource
 * (an attachment keeps its host, instance, device and target), except a detach's force, which a
 * record journalled again does not have: it is not forced, so a host that refuses puts the volume back
 * {@code in-use}, to be detached again.
 *
 * <p>A resource is journalled again only after it has been seen so, unchanged, for a lease: a record
 * still on its way has arrived by then. The transaction that writes the new record rewrites the resource
 * too, so two nodes doing it at once conflict and one wins.
 */
final class Unjournalled {
    private static final Logger LOG = Logger.getLogger(Unjournalled.class);

    private final CoreContext core;
    private final Function<OperationRecord, Plan> plans;
    /** Per resource: the version first seen without a record, and when. */
    private final Map<String, Sighting> seen = new ConcurrentHashMap<>();

    /** A resource in a state only {@code kind} puts it in, as one scan saw it. */
    private record Orphan(String id, String owner, long version, OperationKind kind) {
    }

    private record Sighting(long version, Instant since) {
    }

    Unjournalled(CoreContext core, Function<OperationRecord, Plan> plans) {
        this.core = core;
        this.plans = plans;
    }

    /**
     * One look, over the metadata as the periodic takeover read it.
     *
     * @return the records written, each handed to the runner on {@code executor}
     */
    List<OperationRecord> journalAgain(MetadataStore.Contents seenNow, Executor executor) {
        try {
            return journalAgainNow(seenNow, executor);
        } catch (RuntimeException e) {
            LOG.warnf("Resources with no journal record: cannot finish the look now (%s); trying again at the next"
                    + " scan", e.toString());
            return List.of();
        }
    }

    private List<OperationRecord> journalAgainNow(MetadataStore.Contents seenNow, Executor executor) {
        Instant now = core.clock().instant();
        Set<String> named = seenNow.operations().stream().map(OperationRecord::resourceId)
                .collect(Collectors.toSet());
        Map<String, Orphan> orphans = Stream.concat(
                        seenNow.volumes().stream().map(Unjournalled::orphan),
                        seenNow.snapshots().stream().map(Unjournalled::orphan))
                .flatMap(Optional::stream)
                .filter(orphan -> !named.contains(orphan.id()))
                .collect(Collectors.toMap(Orphan::id, orphan -> orphan));
        seen.keySet().retainAll(orphans.keySet());
        List<OperationRecord> journalled = new ArrayList<>();
        for (Orphan orphan : orphans.values()) {
            Sighting first = seen.merge(orphan.id(), new Sighting(orphan.version(), now),
                    (earlier, latest) -> earlier.version() == latest.version() ? earlier : latest);
            if (first.since().plus(core.timeouts().lease()).isAfter(now)) {
                continue;
            }
            journal(orphan).ifPresent(operation -> {
                seen.remove(orphan.id());
                journalled.add(operation);
                executor.execute(() -> core.runner().recover(operation));
            });
        }
        if (!journalled.isEmpty()) {
            LOG.errorf("%d resource(s) were in a transitional state with no journal record for a lease (a transaction"
                    + " split by its node's death); journalled again to finish them: %s",
                    journalled.size(), journalled);
        }
        return journalled;
    }

    private Optional<OperationRecord> journal(Orphan seenSo) {
        return core.transactions().runForOwner(seenSo.owner(), "journal " + seenSo.id() + " again", () -> {
            boolean named = core.store().allOperations().stream()
                    .anyMatch(operation -> operation.resourceId().equals(seenSo.id()));
            if (named || !touchedIfStill(seenSo)) {
                return Optional.empty();
            }
            OperationRecord started = Operations.journal(core, seenSo.kind(), seenSo.id(), seenSo.owner(),
                    seenSo.kind() == OperationKind.DETACH_VOLUME ? AttachmentWorkflow.detachParameters(false)
                            : Map.of());
            OperationRecord unknown = started.stepDone(plans.apply(started).stepsDoneUnknown(), started.leaseExpiry());
            core.store().replaceOperation(started, unknown);
            return Optional.of(unknown);
        });
    }

    /** Rewrites the resource, when it is still as seen, so a concurrent change conflicts with this one. */
    private boolean touchedIfStill(Orphan seenSo) {
        Optional<VolumeRecord> volume = core.store().volume(seenSo.id());
        if (volume.isPresent() && orphan(volume.get()).equals(Optional.of(seenSo))) {
            core.store().replaceVolume(volume.get(), volume.get().touched());
            return true;
        }
        Optional<SnapshotRecord> snapshot = core.store().snapshot(seenSo.id());
        if (snapshot.isPresent() && orphan(snapshot.get()).equals(Optional.of(seenSo))) {
            core.store().replaceSnapshot(snapshot.get(), snapshot.get().touched());
            return true;
        }
        return false;
    }

    private static Optional<Orphan> orphan(VolumeRecord volume) {
        Optional<OperationKind> kind = switch (volume.state()) {
            case CREATING -> Optional.of(volume.snapshotId().isPresent() ? OperationKind.CREATE_VOLUME_FROM_SNAPSHOT
                    : OperationKind.CREATE_VOLUME);
            case DELETING -> Optional.of(OperationKind.DELETE_VOLUME);
            case ATTACHING -> Optional.of(OperationKind.ATTACH_VOLUME);
            case DETACHING -> Optional.of(OperationKind.DETACH_VOLUME);
            default -> Optional.empty();
        };
        return kind.map(k -> new Orphan(volume.id(), volume.owner(), volume.version(), k));
    }

    private static Optional<Orphan> orphan(SnapshotRecord snapshot) {
        Optional<OperationKind> kind = snapshot.state() == SnapshotState.PENDING ? Optional.of(
                OperationKind.CREATE_SNAPSHOT) : snapshot.state() == SnapshotState.DELETING ? Optional.of(
                OperationKind.DELETE_SNAPSHOT) : Optional.empty();
        return kind.map(k -> new Orphan(snapshot.id(), snapshot.owner(), snapshot.version(), k));
    }
}
