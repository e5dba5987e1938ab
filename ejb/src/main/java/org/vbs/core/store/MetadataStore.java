package org.vbs.core.store;

import java.util.ArrayList;
import java.util.HashMap;
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
 * Typed access to the metadata cache, which holds the volumes and snapshots (keyed by id), each owner's
 * index ({@link OwnerKey}), the client tokens ({@link TokenKey}) and the operation journal (keyed by
 * operation id); ids of each kind have their own prefix (ResourceKind). One cache, so that a metadata
 * transaction has one XA resource: the transaction manager commits it in one phase, Infinispan runs one
 * prepare and one commit across the cluster for all of it, and each node applies all of its writes
 * together (with a cache each, a node that died between the commits of the caches' branches left a
 * token without its volume, or a volume without its index entry).
 *
 * <p>Reads work anywhere; every write must run inside a step of {@link MetadataTransactions}, so an
 * entity, its owner-index entry, its client token and its journal record change together or not at
 * all on each node. Across nodes a crash can still split one: the committing node dies after some
 * nodes have applied the commit and before others have, and the conflict resolution that follows
 * takes each key from one node. The service heals what that leaves: a resource in a transitional
 * state with no journal record (org.vbs.core.service.Unjournalled), a client token naming no volume
 * (VolumeWorkflow's DANGLING_TOKEN_GRACE), an owner index or token apart from the resources
 * (org.vbs.core.service.Unindexed).
 *
 * <p>Every change of an entity is a compare-and-set on the version the step read; a lost race is a
 * {@link ConcurrentUpdateException} (the step is then run again), never a silent overwrite.
 */
public final class MetadataStore {
    private final Cache<Object, Object> metadata;
    private final MetadataTransactions transactions;

    public MetadataStore(Cache<Object, Object> metadata, MetadataTransactions transactions) {
        this.metadata = Objects.requireNonNull(metadata, "metadata");
        this.transactions = Objects.requireNonNull(transactions, "transactions");
    }

    public Optional<VolumeRecord> volume(String id) {
        return get(id, VolumeRecord.class);
    }

    public Optional<SnapshotRecord> snapshot(String id) {
        return get(id, SnapshotRecord.class);
    }

    /** The ids of one owner's resources of one kind, sorted. */
    public NavigableSet<String> idsOf(String owner, ResourceKind kind) {
        return index(new OwnerKey(owner, kind)).ids();
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
            case VOLUME -> new TreeSet<>(entriesOf(String.class, VolumeRecord.class).keySet());
            case SNAPSHOT -> new TreeSet<>(entriesOf(String.class, SnapshotRecord.class).keySet());
            default -> throw new IllegalArgumentException("no owned resources of kind " + kind);
        };
    }

    /** Every volume of every owner: for the reconciler at startup only. */
    public List<VolumeRecord> allVolumes() {
        return List.copyOf(entriesOf(String.class, VolumeRecord.class).values());
    }

    /** Every snapshot of every owner: for the reconciler at startup only. */
    public List<SnapshotRecord> allSnapshots() {
        return List.copyOf(entriesOf(String.class, SnapshotRecord.class).values());
    }

    public Optional<TokenEntry> token(TokenKey key) {
        return get(key, TokenEntry.class);
    }

    /** Adds a resource to its owner's index, where a split transaction left it out. */
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
     * Removes a client token's entry that names no volume (the rest of its transaction was lost), if
     * the cache still holds {@code expected}.
     */
    public void removeToken(TokenKey key, TokenEntry expected) {
        requireTransaction();
        if (!metadata.remove(key, expected)) {
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
        if (metadata.putIfAbsent(volume.id(), volume) != null) {
            return false;
        }
        index(volume.owner(), ResourceKind.VOLUME, volume.id());
        if (tokenEntry.isPresent()) {
            TokenKey key = new TokenKey(volume.owner(), volume.clientToken().orElseThrow());
            if (metadata.putIfAbsent(key, tokenEntry.get()) != null) {
                throw new ConcurrentUpdateException("client token of " + volume.id() + " was taken concurrently");
            }
        }
        return true;
    }

    /** Compare-and-set: writes {@code next} only if the cache still holds {@code expected}. */
    public void replaceVolume(VolumeRecord expected, VolumeRecord next) {
        requireTransaction();
        requireNextVersion(expected.id(), expected.version(), next.id(), next.version());
        compareAndSet(expected.id(), expected, next, VolumeRecord::version);
    }

    /** Removes a volume, its index entry and its client token, if the cache still holds {@code expected}. */
    public void removeVolume(VolumeRecord expected) {
        requireTransaction();
        compareAndRemove(expected.id(), expected, VolumeRecord::version);
        unindex(expected.owner(), ResourceKind.VOLUME, expected.id());
        expected.clientToken().ifPresent(token -> metadata.remove(new TokenKey(expected.owner(), token)));
    }

    /** Claims a new snapshot's id and indexes it; false when the id is taken (nothing written). */
    public boolean insertSnapshot(SnapshotRecord snapshot) {
        requireTransaction();
        if (metadata.putIfAbsent(snapshot.id(), snapshot) != null) {
            return false;
        }
        index(snapshot.owner(), ResourceKind.SNAPSHOT, snapshot.id());
        return true;
    }

    /** Compare-and-set: writes {@code next} only if the cache still holds {@code expected}. */
    public void replaceSnapshot(SnapshotRecord expected, SnapshotRecord next) {
        requireTransaction();
        requireNextVersion(expected.id(), expected.version(), next.id(), next.version());
        compareAndSet(expected.id(), expected, next, SnapshotRecord::version);
    }

    /** Removes a snapshot and its index entry, if the cache still holds {@code expected}. */
    public void removeSnapshot(SnapshotRecord expected) {
        requireTransaction();
        compareAndRemove(expected.id(), expected, SnapshotRecord::version);
        unindex(expected.owner(), ResourceKind.SNAPSHOT, expected.id());
    }

    public Optional<OperationRecord> operation(String id) {
        return get(id, OperationRecord.class);
    }

    /** Every journalled operation: for recovery at start-up. */
    public List<OperationRecord> allOperations() {
        return List.copyOf(entriesOf(String.class, OperationRecord.class).values());
    }

    /**
     * Whether the journal can be read now: not on the minority side of a partition, where reading it
     * fails (and Infinispan logs each failure as an ERROR with its stack).
     */
    public boolean journalAvailable() {
        return metadata.getAdvancedCache().getAvailability() == AvailabilityMode.AVAILABLE;
    }

    /** Journals a new operation; false when the id is taken (nothing written; try another id). */
    public boolean insertOperation(OperationRecord operation) {
        requireTransaction();
        return metadata.putIfAbsent(operation.id(), operation) == null;
    }

    /** Compare-and-set of a journal record. */
    public void replaceOperation(OperationRecord expected, OperationRecord next) {
        requireTransaction();
        requireNextVersion(expected.id(), expected.version(), next.id(), next.version());
        compareAndSet(expected.id(), expected, next, OperationRecord::version);
    }

    /** Removes a finished operation's record, if the cache still holds {@code expected}. */
    public void removeOperation(OperationRecord expected) {
        requireTransaction();
        compareAndRemove(expected.id(), expected, OperationRecord::version);
    }

    private void index(String owner, ResourceKind kind, String id) {
        OwnerKey key = new OwnerKey(owner, kind);
        metadata.put(key, index(key).with(id));
    }

    private void unindex(String owner, ResourceKind kind, String id) {
        OwnerKey key = new OwnerKey(owner, kind);
        OwnedIds rest = index(key).without(id);
        if (rest.ids().isEmpty()) {
            metadata.remove(key);
        } else {
            metadata.put(key, rest);
        }
    }

    private <V> void compareAndSet(String id, V expected, V next, ToLongFunction<V> version) {
        @SuppressWarnings("unchecked") V current = (V) get(id, expected.getClass()).orElse(null);
        if (!expected.equals(current) || !metadata.replace(id, current, next)) {
            throw lostRace(id, expected, current, version);
        }
    }

    private <V> void compareAndRemove(String id, V expected, ToLongFunction<V> version) {
        @SuppressWarnings("unchecked") V current = (V) get(id, expected.getClass()).orElse(null);
        if (!expected.equals(current) || !metadata.remove(id, current)) {
            throw lostRace(id, expected, current, version);
        }
    }

    private OwnedIds index(OwnerKey key) {
        return get(key, OwnedIds.class).orElse(OwnedIds.NONE);
    }

    /** The value under {@code key} if it is of {@code type}: a key of one kind never holds another's value. */
    private <V> Optional<V> get(Object key, Class<V> type) {
        Object value = metadata.get(key);
        return type.isInstance(value) ? Optional.of(type.cast(value)) : Optional.empty();
    }

    /**
     * Every entry of the cache by kind, from one scan: for the periodic checks that compare the kinds with
     * one another (a scan reads the file store too, so each look makes one, not one per kind).
     */
    public record Contents(List<VolumeRecord> volumes, List<SnapshotRecord> snapshots,
                           Map<OwnerKey, OwnedIds> index, Map<TokenKey, TokenEntry> tokens,
                           List<OperationRecord> operations) {
        public Contents {
            volumes = List.copyOf(volumes);
            snapshots = List.copyOf(snapshots);
            index = Map.copyOf(index);
            tokens = Map.copyOf(tokens);
            operations = List.copyOf(operations);
        }
    }

    public Contents contents() {
        List<VolumeRecord> volumes = new ArrayList<>();
        List<SnapshotRecord> snapshots = new ArrayList<>();
        Map<OwnerKey, OwnedIds> index = new HashMap<>();
        Map<TokenKey, TokenEntry> tokens = new HashMap<>();
        List<OperationRecord> operations = new ArrayList<>();
        for (Map.Entry<Object, Object> entry : metadata.entrySet()) {
            Object key = entry.getKey();
            Object value = entry.getValue();
            if (value instanceof VolumeRecord volume) {
                volumes.add(volume);
            } else if (value instanceof SnapshotRecord snapshot) {
                snapshots.add(snapshot);
            } else if (value instanceof OperationRecord operation) {
                operations.add(operation);
            } else if (key instanceof OwnerKey owner && value instanceof OwnedIds ids) {
                index.put(owner, ids);
            } else if (key instanceof TokenKey token && value instanceof TokenEntry tokenEntry) {
                tokens.put(token, tokenEntry);
            }
        }
        return new Contents(volumes, snapshots, index, tokens, operations);
    }

    /** Every entry of one kind, keys of {@code keyType} holding values of {@code valueType}: a scan of the whole cache. */
    public <K, V> Map<K, V> entriesOf(Class<K> keyType, Class<V> valueType) {
        Map<K, V> found = new HashMap<>();
        for (Map.Entry<Object, Object> entry : metadata.entrySet()) {
            if (keyType.isInstance(entry.getKey()) && valueType.isInstance(entry.getValue())) {
                found.put(keyType.cast(entry.getKey()), valueType.cast(entry.getValue()));
            }
        }
        return Map.copyOf(found);
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
