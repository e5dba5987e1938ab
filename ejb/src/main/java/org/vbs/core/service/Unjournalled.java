package org.vbs.core.service;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.stream.Collectors;
import org.jboss.logging.Logger;
import org.vbs.core.api.VolumeState;
import org.vbs.core.domain.VolumeRecord;
import org.vbs.core.ops.OperationKind;
import org.vbs.core.ops.OperationRecord;

/**
 * Journals again, for this node, a volume left {@code creating} or {@code deleting} with no journal
 * record naming it, so the step runner finishes it as any interrupted operation (a create is resumed:
 * what a partial storage step left is deleted first, then the storage made; a delete is finished).
 *
 * <p>How such a volume comes about: a claim (or a delete's first step) writes the volume and its
 * journal record in one transaction, but in two caches, each its own XA branch. When the node
 * committing it is killed between the commits of the two branches, the others hold the volume's new
 * state while the record's branch, prepared and never committed, is rolled back (Infinispan's rule for
 * a departed member's transaction, see OrphanedTransactions). Nothing else would ever end it: the
 * volume stayed {@code creating} (BalancedClusterIT's workload).
 *
 * <p>A volume is journalled again only after it has been seen so, unchanged, for a lease: a record
 * still on its way has arrived by then. The transaction that writes the new record rewrites the volume
 * too, so two nodes doing it at once conflict and one wins.
 */
final class Unjournalled {
    private static final Logger LOG = Logger.getLogger(Unjournalled.class);

    private final CoreContext core;
    /** Per volume: the version first seen without a record, and when. */
    private final Map<String, Sighting> seen = new ConcurrentHashMap<>();

    private record Sighting(long version, Instant since) {
    }

    Unjournalled(CoreContext core) {
        this.core = core;
    }

    /**
     * One look, as the periodic takeover makes (a minority side, which cannot read the journal, skips it).
     *
     * @return the records written, each handed to the runner on {@code executor}
     */
    List<OperationRecord> journalAgain(Executor executor) {
        if (!core.store().journalAvailable()) {
            return List.of();
        }
        try {
            return journalAgainNow(executor);
        } catch (RuntimeException e) {
            LOG.warnf("Volumes with no journal record: cannot look now (%s); trying again at the next scan",
                    e.toString());
            return List.of();
        }
    }

    private List<OperationRecord> journalAgainNow(Executor executor) {
        Instant now = core.clock().instant();
        Set<String> named = core.store().allOperations().stream().map(OperationRecord::resourceId)
                .collect(Collectors.toSet());
        Map<String, VolumeRecord> orphans = core.store().allVolumes().stream()
                .filter(volume -> kindOf(volume).isPresent() && !named.contains(volume.id()))
                .collect(Collectors.toMap(VolumeRecord::id, volume -> volume));
        seen.keySet().retainAll(orphans.keySet());
        List<OperationRecord> journalled = new ArrayList<>();
        for (VolumeRecord volume : orphans.values()) {
            Sighting first = seen.merge(volume.id(), new Sighting(volume.version(), now),
                    (earlier, latest) -> earlier.version() == latest.version() ? earlier : latest);
            if (first.since().plus(core.timeouts().lease()).isAfter(now)) {
                continue;
            }
            journal(volume).ifPresent(operation -> {
                seen.remove(volume.id());
                journalled.add(operation);
                executor.execute(() -> core.runner().recover(operation));
            });
        }
        if (!journalled.isEmpty()) {
            LOG.errorf("%d volume(s) were creating or deleting with no journal record for a lease (a node died"
                    + " between the commits of their transaction); journalled again to finish them: %s",
                    journalled.size(), journalled);
        }
        return journalled;
    }

    private Optional<OperationRecord> journal(VolumeRecord seenSo) {
        return core.transactions().runForOwner(seenSo.owner(), "journal " + seenSo.id() + " again", () -> {
            Optional<VolumeRecord> current = core.store().volume(seenSo.id());
            boolean named = core.store().allOperations().stream()
                    .anyMatch(operation -> operation.resourceId().equals(seenSo.id()));
            if (current.isEmpty() || current.get().version() != seenSo.version() || named) {
                return Optional.empty();
            }
            core.store().replaceVolume(current.get(), current.get().touched());
            return Optional.of(Operations.journal(core, kindOf(current.get()).orElseThrow(), seenSo.id(),
                    seenSo.owner(), Map.of()));
        });
    }

    private static Optional<OperationKind> kindOf(VolumeRecord volume) {
        if (volume.state() == VolumeState.CREATING) {
            return Optional.of(volume.snapshotId().isPresent() ? OperationKind.CREATE_VOLUME_FROM_SNAPSHOT
                    : OperationKind.CREATE_VOLUME);
        }
        return volume.state() == VolumeState.DELETING ? Optional.of(OperationKind.DELETE_VOLUME) : Optional.empty();
    }
}
