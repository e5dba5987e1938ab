package org.vbs.core.cluster;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Stream;
import org.infinispan.AdvancedCache;
import org.infinispan.Cache;
import org.infinispan.commons.CacheException;
import org.infinispan.conflict.ConflictManager;
import org.infinispan.conflict.ConflictManagerFactory;
import org.infinispan.container.entries.CacheEntry;
import org.infinispan.container.entries.InternalCacheValue;
import org.infinispan.distribution.DistributionManager;
import org.infinispan.distribution.LocalizedCacheTopology;
import org.infinispan.partitionhandling.AvailabilityMode;
import org.infinispan.remoting.transport.Address;
import org.infinispan.topology.CacheTopology;
import org.jboss.logging.Logger;
import org.vbs.core.api.VbsException;
import org.vbs.core.store.MetadataTransactions;

/**
 * Makes the members' copies of a metadata entry one again where they differ: every entry whose primary
 * owner this node is gets this node's value on every member.
 *
 * <p>Why copies differ: a member that dies while it commits reaches some members and not others, and
 * the others roll its transaction back ({@link OrphanedTransactions}); a conflict resolution after the
 * coordinator's death takes each entry from one member while the others go on writing; a joiner that is
 * suspected while it receives its state keeps what it received. Seen in BalancedClusterIT's workload:
 * a survivor's copy of an owner's index that was not the primary's, and a rejoined node holding journal
 * records of operations that had ended on another node. A member with a stale copy loses the write-skew
 * check of every write of that entry (the primary owner checks the version it holds), and it acts on
 * what it reads: it took the ended operations over again at every takeover look, and never succeeded.
 *
 * <p>How: Infinispan's {@link ConflictManager} lists the entries whose copies differ (a scan reads every
 * member's copy of every entry, which takes seconds to half a minute under load, so it runs after the
 * members changed and otherwise every {@link #EVERY}). Each entry this node is the primary owner of is
 * read again on every member, since a commit on its way looks like a difference to a scan; if the
 * copies still differ, a metadata transaction reads this node's copy and writes it back (a removed
 * entry: writes one of the other copies and removes it again), and its commit carries the value to
 * every member. The write-skew check at the primary owner (this node) refuses the write if the entry
 * changed after the read, so a repair never undoes a write. {@code ConflictManager.resolveConflicts()}
 * is not used for that reason: it writes the value it read earlier without such a check.
 *
 * <p>Only the primary owner repairs an entry, because only its copy is the truth the write-skew check
 * holds others to; a member whose own copy is stale leaves it to the primary owner's next scan.
 */
public final class DivergedReplicas {
    private static final Logger LOG = Logger.getLogger(DivergedReplicas.class);

    /** How often a scan runs when the members have not changed (a look before that scans only after a change). */
    static final Duration EVERY = Duration.ofMinutes(5);

    private final Cache<Object, Object> cache;
    private final MetadataTransactions transactions;
    /** The cache topology of the last scan that found every copy alike, or -1 before one. */
    private int quietTopology = -1;
    private long lastScan;

    public DivergedReplicas(Cache<Object, Object> cache, MetadataTransactions transactions) {
        this.cache = Objects.requireNonNull(cache, "cache");
        this.transactions = Objects.requireNonNull(transactions, "transactions");
    }

    /**
     * One look: a scan when the members have changed since the last scan that found every copy alike
     * (that is when copies come to differ), or when {@link #EVERY} has passed since the last scan;
     * nothing while the cache is not available on this side or its members are changing (Infinispan
     * lists no conflicts during a state transfer). A failure is logged and ends only this look, so a
     * periodic caller goes on looking.
     *
     * @return how many entries this look made one again on every member
     */
    public int repair() {
        long start = System.nanoTime();
        try {
            int repaired = scan(start);
            LOG.debugf("Cache %s: scan for diverged copies took %d ms, %d repaired", cache.getName(),
                    (System.nanoTime() - start) / 1_000_000, repaired);
            return repaired;
        } catch (RuntimeException e) {
            LOG.warnf(e, "Cache %s: the scan for diverged copies failed; the next look scans again", cache.getName());
            return 0;
        }
    }

    private int scan(long now) {
        AdvancedCache<Object, Object> advanced = cache.getAdvancedCache();
        DistributionManager distribution = advanced.getDistributionManager();
        if (distribution == null || advanced.getAvailability() != AvailabilityMode.AVAILABLE) {
            return 0;
        }
        LocalizedCacheTopology topology = distribution.getCacheTopology();
        ConflictManager<Object, Object> conflicts = ConflictManagerFactory.get(advanced);
        if (topology.getPhase() != CacheTopology.Phase.NO_REBALANCE || conflicts.isStateTransferInProgress()
                || conflicts.isConflictResolutionInProgress()) {
            return 0;
        }
        if (topology.getTopologyId() == quietTopology && now - lastScan < EVERY.toNanos()) {
            return 0;
        }
        lastScan = now;
        List<Object> candidates = new ArrayList<>();
        try (Stream<Map<Address, CacheEntry<Object, Object>>> found = conflicts.getConflicts()) {
            found.forEach(copies -> keyOf(copies)
                    .filter(key -> topology.getDistribution(key).isPrimary())
                    .ifPresent(candidates::add));
        } catch (CacheException e) {
            // The members changed during the scan (a rebalance started, a member left): the next look scans again.
            LOG.debugf("Cache %s: the scan for diverged copies stopped (%s); the next look scans again",
                    cache.getName(), e.toString());
            return 0;
        }
        int repaired = 0;
        for (Object key : candidates) {
            // The scan reads each member's copies at a different moment, so a commit on its way to the members
            // looks like a difference: only one that a second look at the entry alone finds again is repaired.
            Optional<Diverged> diverged = Diverged.of(key, conflicts.getAllVersions(key));
            if (diverged.isPresent() && makeOne(diverged.get())) {
                repaired++;
            }
        }
        if (repaired == 0) {
            quietTopology = topology.getTopologyId();
        }
        return repaired;
    }

    private static Optional<Object> keyOf(Map<Address, CacheEntry<Object, Object>> copies) {
        return copies.values().stream().filter(entry -> entry.getValue() != null).findAny().map(CacheEntry::getKey);
    }

    private boolean makeOne(Diverged diverged) {
        String step = "make the copies of " + diverged.key() + " one again";
        try {
            Object value = transactions.run(step, () -> {
                Object primary = cache.get(diverged.key());
                if (primary != null) {
                    cache.put(diverged.key(), primary);
                } else {
                    // A remove of an absent entry is no write (Infinispan sends nothing), so one is made first.
                    cache.put(diverged.key(), diverged.anyValue());
                    cache.remove(diverged.key());
                }
                return primary;
            });
            LOG.warnf("Cache %s: the members held %d different copies of %s; every member now holds this node's"
                    + " (the primary owner's): %s", cache.getName(), diverged.distinctCopies(), diverged.key(),
                    value == null ? "removed" : "present");
            return true;
        } catch (VbsException e) {
            // The entry changed meanwhile (that commit reached every member), or the members changed: next scan.
            LOG.infof("Cache %s: could not make the copies of %s one again (%s); the next scan looks again",
                    cache.getName(), diverged.key(), e.getMessage());
            return false;
        }
    }

    /** An entry whose copies differ: its key, a value one member holds, and how many different copies there are. */
    private record Diverged(Object key, Object anyValue, long distinctCopies) {
        static Optional<Diverged> of(Object key, Map<Address, InternalCacheValue<Object>> copies) {
            List<Object> values = copies.values().stream().map(copy -> copy == null ? null : copy.getValue()).toList();
            long distinct = values.stream().distinct().count();
            return distinct < 2 ? Optional.empty()
                    : values.stream().filter(Objects::nonNull).findAny().map(value -> new Diverged(key, value, distinct));
        }
    }
}
