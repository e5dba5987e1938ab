package org.vbs.core.cluster;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Collectors;
import org.infinispan.AdvancedCache;
import org.infinispan.Cache;
import org.infinispan.conflict.ConflictManager;
import org.infinispan.conflict.ConflictManagerFactory;
import org.infinispan.container.versioning.InequalVersionComparisonResult;
import org.infinispan.context.Flag;
import org.infinispan.distribution.DistributionManager;
import org.infinispan.distribution.LocalizedCacheTopology;
import org.infinispan.partitionhandling.AvailabilityMode;
import org.infinispan.remoting.transport.Address;
import org.infinispan.topology.CacheTopology;
import org.jboss.logging.Logger;
import org.vbs.core.api.VbsException;
import org.vbs.core.cluster.MemberCopies.Copy;
import org.vbs.core.store.MetadataTransactions;

/**
 * Makes the members' copies of a metadata entry one again where they differ: each member does it for the
 * entries it is the primary owner of, and every member then holds the newest of the copies (present or
 * not as most of them hold it).
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
 * <p>Which copy ({@link Diverged}): present or not as most members hold it, since one member's loss or one
 * joiner's stale state leaves the others agreeing, and on a tie (two members) as the oldest member does
 * (first in the view), since a joiner's copies are the doubtful ones; and then the value with the newest
 * version, since a committed write that some members missed must not be undone by their older copies
 * (seen in BalancedClusterIT: a volume one node had committed to {@code deleting} during the settling
 * after a rejoin went back to {@code available}, the copy most members held, and that node's next
 * step was refused). Either copy of a transaction that a death left split is one the callers could have
 * seen.
 *
 * <p>How: a scan reads every member's copies of each entry this node holds, one entry at a time
 * ({@link MemberCopies}), and reads those that differ again a moment later: only an entry
 * whose copies are still the same then has diverged (the others were commits on their way). Scans run at
 * every look until one that started a while after the members last changed found every copy alike, and
 * then every {@link #EVERY}; until then this node's copies are not {@link #checked()}. Where copies have
 * diverged and this node is the entry's primary owner, a metadata transaction reads this node's copy
 * and, if it is still the one compared, writes the chosen copy (or removes the entry), and its commit
 * carries it to every member. Only the primary owner writes so because the write-skew check is
 * made there, against its copy: it refuses the write if the entry changed after the read, so a repair
 * never undoes a write. ({@code ConflictManager.resolveConflicts()} writes values it read earlier without
 * such a check; {@code getConflicts()} shares its stream with Infinispan's own resolution after a merge,
 * which then waited for a scan.) An entry that neither the primary owner nor most members hold, the
 * primary owner never looks at: a member holding it drops its own copy.
 */
public final class DivergedReplicas {
    private static final Logger LOG = Logger.getLogger(DivergedReplicas.class);

    /** How often a scan runs when the members have not changed (a look before that scans only after a change). */
    static final Duration EVERY = Duration.ofMinutes(5);
    /**
     * How long after the members changed a scan must start for its finding every copy alike to count: copies
     * still come apart for a few seconds after the change (seen: a commit 6 s after a coordinator's death
     * that one survivor missed).
     */
    static final Duration SETTLE_AFTER = Duration.ofSeconds(3);
    /**
     * How long after a scan the entries whose copies differed are read again: only an entry whose copies are
     * still the same then is acted on (a commit on its way reaches the members one after the other, and a
     * create reaches some before the primary owner).
     */
    private static final Duration CONFIRM_AFTER = Duration.ofMillis(500);

    private final Cache<Object, Object> cache;
    private final MetadataTransactions transactions;
    private final Duration settleAfter;
    private final MemberCopies memberCopies;
    /** The cache topology a look last saw, and when it first saw it. */
    private int seenTopology = -1;
    private long seenAt;
    /** The cache topology of the last scan that found every copy alike, started {@link #settleAfter} after it. */
    private volatile int checkedTopology = -1;
    private long lastScan;
    private volatile boolean scanned;

    public DivergedReplicas(Cache<Object, Object> cache) {
        this(cache, SETTLE_AFTER);
    }

    DivergedReplicas(Cache<Object, Object> cache, Duration settleAfter) {
        this.cache = Objects.requireNonNull(cache, "cache");
        // A repair's transaction neither waits for a conflict resolution (a scan does not run during one) nor
        // for this check (it never refuses): plain transactions on the cache's transaction manager.
        this.transactions = new MetadataTransactions(cache.getAdvancedCache().getTransactionManager());
        this.settleAfter = Objects.requireNonNull(settleAfter, "settleAfter");
        this.memberCopies = new MemberCopies(cache);
    }

    /**
     * One look: a scan when no scan has found every copy alike since the members last changed, or when
     * {@link #EVERY} has passed since the last scan; nothing while the cache is not available on this side
     * or its members are changing (copies differ while a state transfer runs). A failure is logged and ends
     * only this look, so a periodic caller goes on looking.
     *
     * @return how many entries this look made one again on every member (or dropped from this one)
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

    /**
     * Whether this node's copies are known to be the other members': a scan that started a while after the
     * members last changed found every copy alike (or the cache has no other members). Until then a
     * refusal decided on this node's copy may rest on a stale one.
     */
    public boolean checked() {
        AdvancedCache<Object, Object> advanced = cache.getAdvancedCache();
        DistributionManager distribution = advanced.getDistributionManager();
        if (distribution == null) {
            return true;
        }
        LocalizedCacheTopology topology = distribution.getCacheTopology();
        return topology.getMembers().size() == 1 || topology.getTopologyId() == checkedTopology;
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
        int topologyId = topology.getTopologyId();
        if (topologyId != seenTopology) {
            seenTopology = topologyId;
            seenAt = now;
        }
        if (topologyId == checkedTopology && now - lastScan < EVERY.toNanos()) {
            return 0;
        }
        lastScan = now;
        // The oldest member first: on a tie, its copy is kept (a joiner's copies are the ones to doubt).
        List<Address> members = cache.getCacheManager().getMembers();
        Address here = cache.getCacheManager().getAddress();
        List<Object> keys = new ArrayList<>(advanced.withFlags(Flag.CACHE_MODE_LOCAL).keySet());
        Map<Object, Map<Address, Copy>> differing = new LinkedHashMap<>();
        for (Object key : keys) {
            if (changedSince(distribution, topologyId)) {
                return 0;
            }
            // Each entry's copies are read together, one entry at a time (ConflictManager.getConflicts() would read
            // them a segment at a time, but it shares its stream with Infinispan's own resolution after a merge,
            // which then waited for a scan: 169 s in ClusterFailuresIT).
            Optional<Map<Address, Copy>> copies = memberCopies.of(key, topology);
            if (copies.isEmpty()) {
                return membersChanging();
            }
            if (Diverged.of(key, copies.get(), members, here).isPresent()) {
                differing.put(key, copies.get());
            }
        }
        int diverged = 0;
        int repaired = 0;
        if (!differing.isEmpty()) {
            pause(CONFIRM_AFTER);
        }
        for (Map.Entry<Object, Map<Address, Copy>> entry : differing.entrySet()) {
            if (changedSince(distribution, topologyId)) {
                return repaired;
            }
            Object key = entry.getKey();
            Optional<Map<Address, Copy>> readAgain = memberCopies.of(key, topology);
            if (readAgain.isEmpty()) {
                membersChanging();
                return repaired;
            }
            Map<Address, Copy> again = readAgain.get();
            Optional<Diverged> found = Diverged.of(key, again, members, here);
            if (found.isEmpty() || !again.equals(entry.getValue())) {
                continue; // one again, or a commit was on its way: the copies have changed since
            }
            diverged++;
            Address primary = topology.getDistribution(key).primary();
            if (primary.equals(here)) {
                if (makeOne(found.get())) {
                    repaired++;
                }
            } else if (found.get().chosen() == null && !again.getOrDefault(primary, Copy.ABSENT).present() && found.get().here() != null) {
                // An entry only this node (and fewer than half of the members) holds, which the primary owner
                // does not: the primary owner never looks at it, so this node drops its own copy.
                advanced.withFlags(Flag.CACHE_MODE_LOCAL).remove(key);
                LOG.warnf("Cache %s: this node held %s, which neither the primary owner nor most members hold; its"
                        + " copy is removed", cache.getName(), key);
                repaired++;
            }
        }
        if (diverged == 0 && now - seenAt >= settleAfter.toNanos()) {
            if (checkedTopology != topologyId) {
                LOG.infof("Cache %s: this node's copies of its %d entries are the other members' (topology %d, %d ms"
                        + " after this node saw it; the scan took %d ms)", cache.getName(), keys.size(), topologyId,
                        (System.nanoTime() - seenAt) / 1_000_000, (System.nanoTime() - now) / 1_000_000);
            }
            checkedTopology = topologyId;
        } else if (diverged > 0) {
            checkedTopology = -1;
        }
        scanned = true;
        return repaired;
    }

    private boolean changedSince(DistributionManager distribution, int topologyId) {
        if (distribution.getCacheTopology().getTopologyId() == topologyId) {
            return false;
        }
        membersChanging();
        return true;
    }

    /** @return no entry repaired: a scan that saw the members change ends, and the next look scans again */
    private int membersChanging() {
        LOG.infof("Cache %s: the members changed during the scan for diverged copies; the next look scans again",
                cache.getName());
        return 0;
    }

    private static void pause(Duration pause) {
        try {
            Thread.sleep(pause.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting to read diverged copies again", e);
        }
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
                LOG.warnf("Cache %s: the members held %d different copies of %s; every member now holds the newest,"
                        + " present or not as most of them held it: %s", cache.getName(), diverged.copies(),
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
     * An entry whose copies differ: this node's copy, the copy every member is to hold, a value some member
     * holds, and how many different copies there are. A null value is an absent entry.
     *
     * <p>Whether the entry is to be present: as most members hold it (on a tie, as the oldest member does),
     * since a removal leaves no version to compare. Which value: the one with the newest version, since
     * every committed write of the entry got a newer version than the one it replaced, and a member that
     * missed it, or took an older copy in a state transfer, still holds an older one; where two values
     * have the same version (a member wrote on a stale copy) or a copy has none, the one most members
     * hold (on a tie, the oldest member's).
     */
    record Diverged(Object key, Object here, Object chosen, Object anyValue, int copies) {
        static Optional<Diverged> of(Object key, Map<Address, Copy> copies, List<Address> oldestFirst,
                                     Address self) {
            Map<Object, List<Address>> holders = new HashMap<>();
            copies.forEach((member, copy) -> holders.computeIfAbsent(copy.value(), value -> new ArrayList<>())
                    .add(member));
            Optional<Object> anyValue = holders.keySet().stream().filter(Objects::nonNull).findAny();
            if (holders.size() < 2 || anyValue.isEmpty()) {
                return Optional.empty();
            }
            Object chosen = removedByMost(copies, oldestFirst) ? null
                    : newest(copies).orElseGet(() -> mostHeld(holders, oldestFirst));
            return Optional.of(new Diverged(key, copies.getOrDefault(self, Copy.ABSENT).value(), chosen,
                    anyValue.get(), holders.size()));
        }

        private static boolean removedByMost(Map<Address, Copy> copies, List<Address> oldestFirst) {
            Map<Boolean, List<Address>> byPresence = copies.entrySet().stream().collect(Collectors.partitioningBy(
                    copy -> copy.getValue().present(), Collectors.mapping(Map.Entry::getKey, Collectors.toList())));
            List<Address> with = byPresence.get(true);
            List<Address> without = byPresence.get(false);
            return without.size() > with.size()
                    || without.size() == with.size() && oldest(without, oldestFirst) < oldest(with, oldestFirst);
        }

        /** @return the value of the one present copy newer than every other present value's, if there is one */
        private static Optional<Object> newest(Map<Address, Copy> copies) {
            List<Copy> present = copies.values().stream().filter(Copy::present).toList();
            if (present.stream().anyMatch(copy -> copy.version() == null)) {
                return Optional.empty();
            }
            Copy newest = present.get(0);
            for (Copy copy : present) {
                if (copy.version().compareTo(newest.version()) == InequalVersionComparisonResult.AFTER) {
                    newest = copy;
                }
            }
            Copy found = newest;
            boolean alone = present.stream().allMatch(copy -> copy.value().equals(found.value())
                    || copy.version().compareTo(found.version()) == InequalVersionComparisonResult.BEFORE);
            return alone ? Optional.of(found.value()) : Optional.empty();
        }

        private static Object mostHeld(Map<Object, List<Address>> holders, List<Address> oldestFirst) {
            Comparator<Map.Entry<Object, List<Address>>> mostHeld = Comparator.comparingInt(held -> held.getValue()
                    .size());
            Comparator<Map.Entry<Object, List<Address>>> oldestHolder = Comparator.comparingInt(held ->
                    oldest(held.getValue(), oldestFirst));
            return holders.entrySet().stream().filter(held -> held.getKey() != null)
                    .max(mostHeld.thenComparing(oldestHolder.reversed())).orElseThrow().getKey();
        }

        /** @return the rank in the view of the oldest of these members (lower is older) */
        private static int oldest(List<Address> members, List<Address> oldestFirst) {
            return members.stream().mapToInt(member -> {
                int rank = oldestFirst.indexOf(member);
                return rank < 0 ? Integer.MAX_VALUE : rank;
            }).min().orElse(Integer.MAX_VALUE);
        }
    }
}
