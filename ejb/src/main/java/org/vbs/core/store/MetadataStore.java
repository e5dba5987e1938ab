package org.vbs.core.store;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NavigableSet;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.function.ToLongFunction;
import org.infinispan.Cache;
import org.infinispan.partitionhandling.AvailabilityMode;
import org.vbs.core.domain.ResourceKind;
import org.vbs.core.domain.SnapshotRecord;
import org.vbs.core.domain.VolumeRecord;
import org.vbs.core.ops.OperationRecord;

/**
 * Typed access to the five metadata caches (the fifth is the operation journal). Reads work anywhere; every write must run inside a
 * step of {@link MetadataTransactions}, so an entity, its owner-index entry and its client token
 * change together or not at all, except when the node committing them dies between the commits of
 * the caches' XA branches: then part of it may stay. The service heals what that leaves: a resource
 * in a transitional state with no journal record (org.vbs.core.service.Unjournalled), a client token
 * naming no volume (VolumeWorkflow's DANGLING_TOKEN_GRACE), an owner index or token apart from the
 * resources (org.vbs.core.service.Unindexed).
 *
 * <p>Every change of an entity is a compare-and-set on the version the step read; a lost race is a
 * {@link ConcurrentUpdateException} (the step is then run again), never a silent overwrite.
 */
public final class MetadataStore {
    private final Cache<String, VolumeRecord> volumes;
    private final Cache<String, SnapshotRecord> snapshots;
    private final Cache<OwnerKey, OwnedIds> owners;
    private final Cache<TokenKey, TokenEntry> tokens;
    private final Cache<String, OperationRecord> operations;
    private final MetadataTransactions transactions;

    public MetadataStore(Cache<String, VolumeRecord> volumes, Cache<String, SnapshotRecord> snapshots,
                         Cache<OwnerKey, OwnedIds> owners, Cache<TokenKey, TokenEntry> tokens,
                         Cache<String, OperationRecord> operations, MetadataTransactions transactions) {
        this.volumes = Objects.requireNonNull(volumes, "volumes");
        this.snapshots = Objects.requireNonNull(snapshots, "snapshots");
        this.owners = Objects.requireNonNull(owners, "owners");
        this.tokens = Objects.requireNonNull(tokens, "tokens");
        this.operations = Objects.requireNonNull(operations, "operations");
        this.transactions = Objects.requireNonNull(transactions, "transactions");
    }

    public Optional<VolumeRecord> volume(String id) {
        return Optional.ofNullable(volumes.get(id));
    }

    public Optional<SnapshotRecord> snapshot(String id) {
        return Optional.ofNullable(snapshots.get(id));
    }

    /** The ids of one owner's resources of one kind, sorted. */
    public NavigableSet<String> idsOf(String owner, ResourceKind kind) {
        return owners.getOrDefault(new OwnerKey(owner, kind), OwnedIds.NONE).ids();
    }

    /** All of one owner's volumes: costs O(that owner's volumes), not O(all volumes). */
    public List<VolumeRecord> volumesOf(String owner) {
        return resolve(idsOf(owner, ResourceKind.VOLUME), this::volume);
    }

    /** All of one owner's snapshots. */
    public List<SnapshotRecord> snapshotsOf(String owner) {
        return resolve(idsOf(owner, ResourceKind.SNAPSHOT), this::snapshot);
    }

    /**
     * The ids of every owner's volumes or snapshots, sorted: for an administrator's Describe*, which
     * costs O(all of that kind).
     *
     * @throws IllegalArgumentException for a kind that is neither
     */
    public NavigableSet<String> allIds(ResourceKind kind) {
        return switch (kind) {
            case VOLUME -> new TreeSet<>(volumes.keySet());
            case SNAPSHOT -> new TreeSet<>(snapshots.keySet());
            default -> throw new IllegalArgumentException("no owned resources of kind " + kind);
        };
    }

    /** Every volume of every owner: for the reconciler at startup only. */
    public List<VolumeRecord> allVolumes() {
        return List.copyOf(volumes.values());
    }

    /** Every snapshot of every owner: for the reconciler at startup only. */
    public List<SnapshotRecord> allSnapshots() {
        return List.copyOf(snapshots.values());
    }

    public Optional<TokenEntry> token(TokenKey key) {
        return Optional.ofNullable(tokens.get(key));
    }

    /** Every owner's index entries: for the periodic check of the index against the resources. */
    public Map<OwnerKey, OwnedIds> allIndexEntries() {
        return Map.copyOf(owners);
    }

    /** Every client token's entry: for the periodic check of the tokens against the volumes. */
    public Map<TokenKey, TokenEntry> allTokens() {
        return Map.copyOf(tokens);
    }

    /** Adds a resource to its owner's index, where a lost branch left it out. */
    public void indexAgain(String owner, ResourceKind kind, String id) {
        requireTransaction();
        index(owner, kind, id);
    }

    /** Drops from its owner's index the id of a resource that is not there. */
    public void unindexGone(String owner, ResourceKind kind, String id) {
        requireTransaction();
        unindex(owner, kind, id);
    }

    /**
     * Removes a client token's entry that names no volume (its transaction's other branches were lost), if
     * the cache still holds {@code expected}.
     */
    public void removeToken(TokenKey key, TokenEntry expected) {
        requireTransaction();
        if (!tokens.remove(key, expected)) {
            throw new ConcurrentUpdateException("client token " + key.token() + " of " + key.owner()
                    + " changed since it was read");
        }
    }

    /**
     * Claims a new volume's id and indexes it under its owner (and its client token, if it has one).
     *
     * @return false when the id is taken (nothing was written; try another id)
     */
    public boolean insertVolume(VolumeRecord volume, Optional<TokenEntry> tokenEntry) {
        requireTransaction();
        if (volume.clientToken().isPresent() != tokenEntry.isPresent()) {
            throw new IllegalArgumentException("a volume with a client token needs its token entry, and only then");
        }
        if (volumes.putIfAbsent(volume.id(), volume) != null) {
            return false;
        }
        index(volume.owner(), ResourceKind.VOLUME, volume.id());
        if (tokenEntry.isPresent()) {
            TokenKey key = new TokenKey(volume.owner(), volume.clientToken().orElseThrow());
            if (tokens.putIfAbsent(key, tokenEntry.get()) != null) {
                throw new ConcurrentUpdateException("client token of " + volume.id() + " was taken concurrently");
            }
        }
        return true;
    }

    /** Compare-and-set: writes {@code next} only if the cache still holds {@code expected}. */
    public void replaceVolume(VolumeRecord expected, VolumeRecord next) {
        requireTransaction();
        requireNextVersion(expected.id(), expected.version(), next.id(), next.version());
        compareAndSet(volumes, expected.id(), expected, next, VolumeRecord::version);
    }

    /** Removes a volume, its index entry and its client token, if the cache still holds {@code expected}. */
    public void removeVolume(VolumeRecord expected) {
        requireTransaction();
        compareAndRemove(volumes, expected.id(), expected, VolumeRecord::version);
        unindex(expected.owner(), ResourceKind.VOLUME, expected.id());
        expected.clientToken().ifPresent(token -> tokens.remove(new TokenKey(expected.owner(), token)));
    }

    /** Claims a new snapshot's id and indexes it; false when the id is taken (nothing written). */
    public boolean insertSnapshot(SnapshotRecord snapshot) {
        requireTransaction();
        if (snapshots.putIfAbsent(snapshot.id(), snapshot) != null) {
            return false;
        }
        index(snapshot.owner(), ResourceKind.SNAPSHOT, snapshot.id());
        return true;
    }

    /** Compare-and-set: writes {@code next} only if the cache still holds {@code expected}. */
    public void replaceSnapshot(SnapshotRecord expected, SnapshotRecord next) {
        requireTransaction();
        requireNextVersion(expected.id(), expected.version(), next.id(), next.version());
        compareAndSet(snapshots, expected.id(), expected, next, SnapshotRecord::version);
    }

    /** Removes a snapshot and its index entry, if the cache still holds {@code expected}. */
    public void removeSnapshot(SnapshotRecord expected) {
        requireTransaction();
        compareAndRemove(snapshots, expected.id(), expected, SnapshotRecord::version);
        unindex(expected.owner(), ResourceKind.SNAPSHOT, expected.id());
    }

    public Optional<OperationRecord> operation(String id) {
        return Optional.ofNullable(operations.get(id));
    }

    /** Every journalled operation: for recovery at start-up. */
    public List<OperationRecord> allOperations() {
        return List.copyOf(operations.values());
    }

    /**
     * Whether the journal can be read now: not on the minority side of a partition, where reading it
     * fails (and Infinispan logs each failure as an ERROR with its stack).
     */
    public boolean journalAvailable() {
        return operations.getAdvancedCache().getAvailability() == AvailabilityMode.AVAILABLE;
    }

    /** Journals a new operation; false when the id is taken (nothing written; try another id). */
    public boolean insertOperation(OperationRecord operation) {
        requireTransaction();
        return operations.putIfAbsent(operation.id(), operation) == null;
    }

    /** Compare-and-set of a journal record. */
    public void replaceOperation(OperationRecord expected, OperationRecord next) {
        requireTransaction();
        requireNextVersion(expected.id(), expected.version(), next.id(), next.version());
        compareAndSet(operations, expected.id(), expected, next, OperationRecord::version);
    }

    /** Removes a finished operation's record, if the cache still holds {@code expected}. */
    public void removeOperation(OperationRecord expected) {
        requireTransaction();
        compareAndRemove(operations, expected.id(), expected, OperationRecord::version);
    }

    private void index(String owner, ResourceKind kind, String id) {
        OwnerKey key = new OwnerKey(owner, kind);
        owners.put(key, owners.getOrDefault(key, OwnedIds.NONE).with(id));
    }

    private void unindex(String owner, ResourceKind kind, String id) {
        OwnerKey key = new OwnerKey(owner, kind);
        OwnedIds rest = owners.getOrDefault(key, OwnedIds.NONE).without(id);
        if (rest.ids().isEmpty()) {
            owners.remove(key);
        } else {
            owners.put(key, rest);
        }
    }

    private static <V> void compareAndSet(Cache<String, V> cache, String id, V expected, V next,
                                          ToLongFunction<V> version) {
        V current = cache.get(id);
        if (!expected.equals(current) || !cache.replace(id, current, next)) {
            throw lostRace(id, expected, current, version);
        }
    }

    private static <V> void compareAndRemove(Cache<String, V> cache, String id, V expected,
                                             ToLongFunction<V> version) {
        V current = cache.get(id);
        if (!expected.equals(current) || !cache.remove(id, current)) {
            throw lostRace(id, expected, current, version);
        }
    }

    private static <V> ConcurrentUpdateException lostRace(String id, V expected, V current,
                                                          ToLongFunction<V> version) {
        return new ConcurrentUpdateException(id + " changed since version " + version.applyAsLong(expected)
                + " was read: " + (current == null ? "it is gone" : "it is at version " + version.applyAsLong(current)));
    }

    private static void requireNextVersion(String id, long version, String nextId, long nextVersion) {
        if (!id.equals(nextId) || nextVersion != version + 1) {
            throw new IllegalArgumentException("a change of " + id + " v" + version + " must be " + id + " v"
                    + (version + 1) + ", not " + nextId + " v" + nextVersion);
        }
    }

    private void requireTransaction() {
        if (!transactions.isActive()) {
            throw new IllegalStateException("metadata writes must run inside a MetadataTransactions step");
        }
    }

    private static <T> List<T> resolve(NavigableSet<String> ids, Function<String, Optional<T>> lookup) {
        List<T> found = new ArrayList<>(ids.size());
        for (String id : ids) {
            // An id whose entity is gone was removed by a step that committed after the index was read.
            lookup.apply(id).ifPresent(found::add);
        }
        return found;
    }
}
