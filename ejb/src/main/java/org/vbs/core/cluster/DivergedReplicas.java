package org.vbs.core.cluster;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
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
 * Makes the members' copies of a metadata entry one again where they differ: each member does it for the
 * entries it is the primary owner of, and every member then holds the copy most of them held (on a tie,
 * the oldest member's).
 *
 * <p>Why copies differ: a member that dies while it commits reaches some members and not others, and
 * the others roll its transaction back ({@link OrphanedTransactions}); a conflict resolution after the
 * coordinator's death takes each entry from one member while the others go on writing; a joiner's state
 * transfer can bring back an entry removed while it ran. Seen in BalancedClusterIT's workload: a
 * survivor's copy of an owner's index that was not the primary's, and a rejoined node holding volumes and
 * journal records removed during its join. A member with a stale copy loses the write-skew check of
 * every write of that entry, and acts on what it reads: it took ended operations over at every takeover
 * look. Worse, a joiner is the primary owner of a share of the entries, so the check, which the primary
 * owner makes against its own copy, let its writes of such a copy through: its reconciler marked a volume
 * deleted a minute before {@code error}, and every member held it again.
 *
 * <p>Which copy: the one most members hold, since one member's loss or one joiner's stale state leaves
 * the others agreeing; on a tie (two members), the oldest member's (first in the view), since a joiner's
 * copies are the doubtful ones. Either copy of a transaction that a death left split is one the callers
 * could have seen.
 *
 * <p>How: Infinispan's {@link ConflictManager} lists the entries whose copies differ (a scan reads every
 * member's copy of every entry, from memory and store, which takes seconds to half a minute under load, so
 * it runs after the members changed and otherwise every {@link #EVERY}). Each entry this node is the
 * primary owner of is read again on every member, since a commit on its way looks like a difference to a
 * scan. If the copies still differ, a metadata transaction reads this node's copy and, if it is still the
 * one compared, writes the chosen copy (or removes the entry), and its commit carries it to every member.
 * Only the primary owner does this because the write-skew check is made there, against its copy: it
 * refuses the write if the entry changed after the read, so a repair never undoes a write. {@code
 * ConflictManager.resolveConflicts()} is not used for that reason: it writes the value it read earlier
 * without such a check.
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
    private volatile boolean scanned;

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

    /**
     * Whether a scan has ended on this node since it started: until then, what it reads may be a stale copy
     * that a joiner's state transfer left, so it should not act on the metadata of its own accord.
     */
    public boolean scannedOnce() {
        return scanned;
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
            LOG.infof("Cache %s: the scan for diverged copies stopped (%s); the next look scans again",
                    cache.getName(), e.toString());
            return 0;
        }
        // The oldest member first: on a tie, its copy is kept (a joiner's copies are the ones to doubt).
        List<Address> members = cache.getCacheManager().getMembers();
        Address here = cache.getCacheManager().getAddress();
        int diverged = 0;
        int repaired = 0;
        for (Object key : candidates) {
            // The scan reads each member's copies at a different moment, so a commit on its way to the members
            // looks like a difference: only one that a second look at the entry alone finds again is repaired.
            Optional<Diverged> found = Diverged.of(key, conflicts.getAllVersions(key), members, here);
            if (found.isPresent()) {
                diverged++;
                if (makeOne(found.get())) {
                    repaired++;
                }
            }
        }
        if (diverged == 0) {
            quietTopology = topology.getTopologyId();
        }
        scanned = true;
        return repaired;
    }

    private static Optional<Object> keyOf(Map<Address, CacheEntry<Object, Object>> copies) {
        return copies.values().stream().filter(entry -> entry.getValue() != null).findAny().map(CacheEntry::getKey);
    }

    private boolean makeOne(Diverged diverged) {
        Object key = diverged.key();
        String step = "make the copies of " + key + " one again";
        try {
            boolean written = transactions.run(step, () -> {
                Object current = cache.get(key);
                if (!Objects.equals(current, diverged.here())) {
                    return false; // changed since the copies were read: that write reached every member
                }
                if (diverged.chosen() != null) {
                    cache.put(key, diverged.chosen());
                } else if (current != null) {
                    cache.remove(key);
                } else {
                    // A remove of an absent entry is no write (Infinispan sends nothing), so one is made first.
                    cache.put(key, diverged.anyValue());
                    cache.remove(key);
                }
                return true;
            });
            if (written) {
                LOG.warnf("Cache %s: the members held %d different copies of %s; every member now holds the one"
                        + " most of them held (on a tie, the oldest member's): %s", cache.getName(), diverged.copies(),
                        key, diverged.chosen() == null ? "removed" : "present");
            }
            return written;
        } catch (VbsException e) {
            // The entry changed meanwhile (that commit reached every member), or the members changed: next scan.
            LOG.infof("Cache %s: could not make the copies of %s one again (%s); the next scan looks again",
                    cache.getName(), key, e.getMessage());
            return false;
        }
    }

    /**
     * An entry whose copies differ: this node's copy, the copy every member is to hold (the one most members
     * hold; on a tie, the one the oldest of them holds), a value some member holds, and how many different
     * copies there are. A null copy is an absent entry.
     */
    record Diverged(Object key, Object here, Object chosen, Object anyValue, int copies) {
        static Optional<Diverged> of(Object key, Map<Address, InternalCacheValue<Object>> copies,
                List<Address> oldestFirst, Address self) {
            Map<Object, List<Address>> holders = new HashMap<>();
            copies.forEach((member, copy) -> holders.computeIfAbsent(copy == null ? null : copy.getValue(),
                    value -> new ArrayList<>()).add(member));
            Optional<Object> anyValue = holders.keySet().stream().filter(Objects::nonNull).findAny();
            if (holders.size() < 2 || anyValue.isEmpty()) {
                return Optional.empty();
            }
            Comparator<Map.Entry<Object, List<Address>>> mostHeld = Comparator.comparingInt(held -> held.getValue()
                    .size());
            Comparator<Map.Entry<Object, List<Address>>> oldestHolder = Comparator.comparingInt(held -> held.getValue()
                    .stream().mapToInt(member -> rank(oldestFirst, member)).min().orElse(Integer.MAX_VALUE));
            Object chosen = holders.entrySet().stream().max(mostHeld.thenComparing(oldestHolder.reversed()))
                    .orElseThrow().getKey();
            InternalCacheValue<Object> mine = copies.get(self);
            return Optional.of(new Diverged(key, mine == null ? null : mine.getValue(), chosen, anyValue.get(),
                    holders.size()));
        }

        private static int rank(List<Address> oldestFirst, Address member) {
            int rank = oldestFirst.indexOf(member);
            return rank < 0 ? Integer.MAX_VALUE : rank;
        }
    }
}
