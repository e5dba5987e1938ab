package org.vbs.core.service;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import org.jboss.logging.Logger;
import org.vbs.core.domain.ResourceKind;
import org.vbs.core.domain.SnapshotRecord;
import org.vbs.core.domain.VolumeRecord;
import org.vbs.core.store.MetadataStore;
import org.vbs.core.store.OwnedIds;
import org.vbs.core.store.OwnerKey;
import org.vbs.core.store.TokenEntry;
import org.vbs.core.store.TokenKey;

/**
 * Brings the owner index and the client tokens back in line with the volumes and snapshots, where a
 * transaction split by its node's death left them apart (see MetadataStore and Unjournalled):
 * <ul>
 *   <li>a resource its owner's index lacks is indexed again: else no DescribeVolumes or DescribeSnapshots
 *       of its owner lists it, and it stays, unseen, with its storage (a claim whose index entry was lost);
 *   <li>an indexed id whose resource is not there is dropped (a removal whose index entry was lost);
 *   <li>a client token naming no volume is removed (a claim whose volume was lost, or a delete whose
 *       token's removal was); a retry with the token takes it meanwhile, see VolumeWorkflow.</li>
 * </ul>
 *
 * <p>Each only once it has been seen so, scan after scan, for a lease: a live node's commit reaches every
 * node within milliseconds, so a gap that lasts was left by a dead one. The
 * transaction that closes it reads again what it changes, so it changes nothing a request changed meanwhile
 * (and conflicts with a request that changes it at once).
 */
final class Unindexed {
    private static final Logger LOG = Logger.getLogger(Unindexed.class);

    private final CoreContext core;
    /** Each gap seen, and when it was first seen. */
    private final Map<Gap, Instant> seen = new ConcurrentHashMap<>();

    /** What is apart: a resource and its owner's index, or a token and its volume. */
    private enum Kind {
        NOT_INDEXED, INDEXED_BUT_GONE, TOKEN_NAMING_NOTHING
    }

    /** One gap: the resource (or the volume a token names), and the token's entry for a token's gap. */
    private record Gap(Kind kind, String owner, ResourceKind resource, String id, Optional<TokenKey> token,
                       Optional<TokenEntry> entry) {
        static Gap index(Kind kind, String owner, ResourceKind resource, String id) {
            return new Gap(kind, owner, resource, id, Optional.empty(), Optional.empty());
        }

        @Override
        public String toString() {
            return switch (kind) {
                case NOT_INDEXED -> id + " not in the index of " + owner;
                case INDEXED_BUT_GONE -> "the index of " + owner + " naming " + id + ", which is gone";
                case TOKEN_NAMING_NOTHING -> "client token \"" + token.orElseThrow().token() + "\" of " + owner + " naming "
                        + id + ", which is gone";
            };
        }
    }

    Unindexed(CoreContext core) {
        this.core = core;
    }

    /**
     * One look, over the metadata as the periodic takeover read it.
     *
     * @return the gaps closed
     */
    int closeGaps(MetadataStore.Contents seenNow) {
        try {
            return closeGapsNow(seenNow);
        } catch (RuntimeException e) {
            LOG.warnf("Owner index and client tokens: cannot finish the check now (%s); trying again at the next scan",
                    e.toString());
            return 0;
        }
    }

    private int closeGapsNow(MetadataStore.Contents seenNow) {
        Instant now = core.clock().instant();
        Set<Gap> gaps = gaps(seenNow);
        seen.keySet().retainAll(gaps);
        List<Gap> closed = new ArrayList<>();
        for (Gap gap : gaps) {
            Instant first = seen.computeIfAbsent(gap, g -> now);
            if (!first.plus(core.timeouts().lease()).isAfter(now) && close(gap)) {
                seen.remove(gap);
                closed.add(gap);
            }
        }
        if (!closed.isEmpty()) {
            LOG.errorf("%d owner index or client token entr(ies) were apart from the resources for a lease (a transaction"
                    + " split by its node's death); brought back in line: %s", closed.size(), closed);
        }
        return closed.size();
    }

    private static Set<Gap> gaps(MetadataStore.Contents seenNow) {
        Map<OwnerKey, OwnedIds> index = seenNow.index();
        List<VolumeRecord> volumes = seenNow.volumes();
        List<SnapshotRecord> snapshots = seenNow.snapshots();
        Set<Gap> gaps = new HashSet<>();
        volumes.stream().filter(v -> !indexed(index, v.owner(), ResourceKind.VOLUME, v.id()))
                .forEach(v -> gaps.add(Gap.index(Kind.NOT_INDEXED, v.owner(), ResourceKind.VOLUME, v.id())));
        snapshots.stream().filter(s -> !indexed(index, s.owner(), ResourceKind.SNAPSHOT, s.id()))
                .forEach(s -> gaps.add(Gap.index(Kind.NOT_INDEXED, s.owner(), ResourceKind.SNAPSHOT, s.id())));
        Set<String> volumeIds = volumes.stream().map(VolumeRecord::id).collect(Collectors.toSet());
        Set<String> snapshotIds = snapshots.stream().map(SnapshotRecord::id).collect(Collectors.toSet());
        index.forEach((key, ids) -> {
            Set<String> present = key.kind() == ResourceKind.VOLUME ? volumeIds : snapshotIds;
            ids.ids().stream().filter(id -> !present.contains(id))
                    .forEach(id -> gaps.add(Gap.index(Kind.INDEXED_BUT_GONE, key.owner(), key.kind(), id)));
        });
        seenNow.tokens().forEach((key, entry) -> {
            if (!volumeIds.contains(entry.volumeId())) {
                gaps.add(new Gap(Kind.TOKEN_NAMING_NOTHING, key.owner(), ResourceKind.VOLUME, entry.volumeId(),
                        Optional.of(key), Optional.of(entry)));
            }
        });
        return gaps;
    }

    private static boolean indexed(Map<OwnerKey, OwnedIds> index, String owner, ResourceKind kind, String id) {
        return index.getOrDefault(new OwnerKey(owner, kind), OwnedIds.NONE).ids().contains(id);
    }

    /** Closes the gap if it is still there; whether it was. */
    private boolean close(Gap gap) {
        MetadataStore store = core.store();
        return core.transactions().runForOwner(gap.owner(), "bring " + gap + " back in line", () -> {
            boolean present = gap.resource() == ResourceKind.VOLUME ? store.volume(gap.id()).isPresent()
                    : store.snapshot(gap.id()).isPresent();
            boolean indexed = store.idsOf(gap.owner(), gap.resource()).contains(gap.id());
            switch (gap.kind()) {
                case NOT_INDEXED -> {
                    if (!present || indexed) {
                        return false;
                    }
                    store.indexAgain(gap.owner(), gap.resource(), gap.id());
                }
                case INDEXED_BUT_GONE -> {
                    if (present || !indexed) {
                        return false;
                    }
                    store.unindexGone(gap.owner(), gap.resource(), gap.id());
                }
                case TOKEN_NAMING_NOTHING -> {
                    if (present || !store.token(gap.token().orElseThrow()).equals(gap.entry())) {
                        return false;
                    }
                    store.removeToken(gap.token().orElseThrow(), gap.entry().orElseThrow());
                }
            }
            return true;
        });
    }
}
