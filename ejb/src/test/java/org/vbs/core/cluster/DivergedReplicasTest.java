package org.vbs.core.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.stream.IntStream;
import org.infinispan.Cache;
import org.infinispan.commons.marshall.JavaSerializationMarshaller;
import org.infinispan.configuration.cache.CacheMode;
import org.infinispan.configuration.cache.ConfigurationBuilder;
import org.infinispan.configuration.global.GlobalConfigurationBuilder;
import org.infinispan.container.entries.InternalCacheEntry;
import org.infinispan.container.impl.InternalDataContainer;
import org.infinispan.context.Flag;
import org.infinispan.distribution.LocalizedCacheTopology;
import org.infinispan.factories.ComponentRegistry;
import org.infinispan.factories.GlobalComponentRegistry;
import org.infinispan.metadata.Metadata;
import org.infinispan.metadata.impl.PrivateMetadata;
import org.infinispan.manager.DefaultCacheManager;
import org.infinispan.remoting.transport.Transport;
import org.infinispan.remoting.transport.jgroups.JGroupsTransport;
import org.infinispan.topology.CacheTopology;
import org.infinispan.transaction.LockingMode;
import org.infinispan.transaction.TransactionMode;
import org.infinispan.transaction.lookup.EmbeddedTransactionManagerLookup;
import org.infinispan.util.concurrent.IsolationLevel;
import org.jgroups.JChannel;
import org.jgroups.protocols.DISCARD;
import org.jgroups.protocols.SHARED_LOOPBACK;
import org.jgroups.stack.ProtocolStack;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.vbs.core.store.MetadataTransactions;

/**
 * Two members of a real Infinispan cluster (JGroups in this JVM), their metadata cache configured as
 * the server's (replicated, transactional, OPTIMISTIC, REPEATABLE_READ: versioned entries). The copies are
 * made to differ by giving members an older copy back (with its version), as a commit that missed them, or a
 * state transfer that gave them an older copy, leaves them, or with a write to one member's copy only.
 */
class DivergedReplicasTest {
    private final String cluster = "diverged-" + UUID.randomUUID();
    private DefaultCacheManager first;
    private DefaultCacheManager second;
    private Cache<Object, Object> a;
    private Cache<Object, Object> b;

    @BeforeEach
    void startTwoMembers() {
        first = member("a");
        second = member("b");
        a = first.getCache("metadata");
        b = second.getCache("metadata");
        awaitMembers(a, 2);
        awaitMembers(b, 2);
    }

    @AfterEach
    void stop() {
        second.stop();
        first.stop();
    }

    @Test
    void shouldGiveEveryMemberTheNewerCopyWhenTheOldestMemberMissedACommit() {
        String key = keyWhosePrimaryIs(a);
        missedCommit(key, "owner-index-with-vol-1", "owner-index-with-vol-1-and-vol-2", a);

        assertEquals(1, new DivergedReplicas(a, Duration.ZERO).repair());

        assertEquals("owner-index-with-vol-1-and-vol-2", onlyHere(a).get(key));
        assertEquals("owner-index-with-vol-1-and-vol-2", onlyHere(b).get(key));
        assertEquals(0, new DivergedReplicas(a, Duration.ZERO).repair(), "the copies are one now");
    }

    @Test
    void shouldGiveEveryMemberTheNewestCopyEvenWhereMostMembersMissedTheCommitThatMadeIt() {
        withThirdMember(c -> {
            String key = keyWhosePrimaryIs(a);
            missedCommit(key, "vol-1 available", "vol-1 deleting", a, b);

            assertEquals(1, new DivergedReplicas(a, Duration.ZERO).repair());

            for (Cache<Object, Object> member : List.of(a, b, c)) {
                assertEquals("vol-1 deleting", onlyHere(member).get(key), "c's committed step is not undone");
            }
        });
    }

    @Test
    void shouldScanAgainOnlyOnceTheMembersChangedAfterAScanFoundEveryCopyAlike() {
        DivergedReplicas repairs = new DivergedReplicas(a, Duration.ZERO);
        assertEquals(0, repairs.repair());
        String key = keyWhosePrimaryIs(a);
        missedCommit(key, "owner-index-with-vol-1", "owner-index-with-vol-1-and-vol-2", b);

        assertEquals(0, repairs.repair(), "the same members, and less than a scan interval later: no scan");

        withThirdMember(c -> {
            awaitMembers(a, 3);
            String stillMine = keyWhosePrimaryIs(a);
            missedCommit(stillMine, "volume", "volume, attached", b);

            assertTrue(repairs.repair() >= 1, "the members changed: the next look scans");
            for (Cache<Object, Object> member : List.of(a, b, c)) {
                assertEquals("volume, attached", onlyHere(member).get(stillMine), "the newer copy");
            }
        });
    }

    @Test
    void shouldRemoveAJoinersCopyOfAnEntryTheOthersNoLongerHoldEvenWhereTheJoinerIsThePrimaryOwner() {
        withThirdMember(c -> {
            String key = keyWhosePrimaryIs(c);
            a.put(key, "volume, deleted during the join");
            onlyHere(a).remove(key);
            onlyHere(b).remove(key);

            assertEquals(1, new DivergedReplicas(c, Duration.ZERO).repair());

            assertGoneFrom(key, a, b, c);
        });
    }

    @Test
    void shouldDropAJoinersCopyOfAnEntryThatNeitherThePrimaryOwnerNorTheOthersHold() {
        withThirdMember(c -> {
            String key = keyWhosePrimaryIs(a);
            onlyHere(c).put(key, "journal record of an operation that ended during the join");

            assertEquals(1, new DivergedReplicas(c, Duration.ZERO).repair());

            assertGoneFrom(key, a, b, c);
        });
    }

    @Test
    void shouldGiveEveryMemberTheNewerCopyWhereThePrimaryOwnerHoldsTheOlder() {
        String key = keyWhosePrimaryIs(b);
        missedCommit(key, "owner-index-with-vol-1-and-a-volume-deleted-during-the-join", "owner-index-with-vol-1", b);

        assertEquals(1, new DivergedReplicas(b, Duration.ZERO).repair());

        assertEquals("owner-index-with-vol-1", onlyHere(b).get(key), "a holds the newer copy");
        assertEquals("owner-index-with-vol-1", onlyHere(a).get(key));
    }

    @Test
    void shouldKeepTheOldestMembersCopyWhereTwoCopiesHaveTheSameVersion() {
        String key = keyWhosePrimaryIs(b);
        a.put(key, "owner-index-with-vol-1");
        copyWithTheSameVersion(b, key, "owner-index-with-vol-1-and-vol-2");

        assertEquals(1, new DivergedReplicas(b, Duration.ZERO).repair());

        assertEquals("owner-index-with-vol-1", onlyHere(b).get(key), "a, the oldest member, holds that copy");
        assertEquals("owner-index-with-vol-1", onlyHere(a).get(key));
    }

    @Test
    void shouldGiveEveryMemberTheCopyMostHoldWhereTwoCopiesHaveTheSameVersion() {
        withThirdMember(c -> {
            String key = keyWhosePrimaryIs(a);
            a.put(key, "volume");
            copyWithTheSameVersion(b, key, "volume, attached");
            copyWithTheSameVersion(c, key, "volume, attached");

            assertEquals(1, new DivergedReplicas(a, Duration.ZERO).repair());

            for (Cache<Object, Object> member : List.of(a, b, c)) {
                assertEquals("volume, attached", onlyHere(member).get(key), "the copy two of three members held");
            }
        });
    }

    @Test
    void shouldLetTheMemberWhoseCopyWasStaleChangeTheEntryAgain() {
        String key = keyWhosePrimaryIs(a);
        missedCommit(key, "journal-record-step-0", "journal-record-step-1", b);
        MetadataTransactions onB = new MetadataTransactions(b.getAdvancedCache().getTransactionManager());

        new DivergedReplicas(a, Duration.ZERO).repair();

        onB.run("record step 2", () -> {
            assertEquals("journal-record-step-1", b.get(key), "b decides on the current record");
            b.put(key, "journal-record-step-2");
        });
        assertEquals("journal-record-step-2", onlyHere(a).get(key));
    }

    @Test
    void shouldCommitAStepThatLostEveryWriteSkewCheckOnAStaleCopyOnceThePrimaryOwnersScanMadeTheCopiesOne()
            throws Exception {
        String key = keyWhosePrimaryIs(a);
        missedCommit(key, "owner-index-with-vol-1", "owner-index-with-vol-1-and-vol-2", b);
        DivergedReplicas scansOnA = new DivergedReplicas(a, Duration.ZERO);
        DivergedReplicas scansOnB = new DivergedReplicas(b, Duration.ZERO);
        MetadataTransactions onB = new MetadataTransactions(b.getAdvancedCache().getTransactionManager(),
                () -> false, scansOnB::checked);
        AtomicInteger attempts = new AtomicInteger();
        ExecutorService requests = Executors.newSingleThreadExecutor();
        try {
            Future<?> step = requests.submit(() -> onB.run("add vol-3 to the owner's index", () -> {
                attempts.incrementAndGet();
                b.put(key, b.get(key) + "-and-vol-3");
            }));
            // Each of the step's attempts reads b's stale copy and fails the write-skew check on a, the primary owner.
            awaitTrue("the step's attempts", Duration.ofSeconds(30), () -> attempts.get() >= 12);
            assertFalse(step.isDone(), "a step on a stale copy waits for the copies to be checked");

            // The nodes' periodic scans: a's gives b its copy, b's then finds every copy alike.
            scansOnA.repair();
            scansOnB.repair();

            step.get(30, TimeUnit.SECONDS);
        } finally {
            requests.shutdownNow();
        }
        assertEquals("owner-index-with-vol-1-and-vol-2-and-vol-3", onlyHere(a).get(key), "decided on the current copy");
        assertEquals("owner-index-with-vol-1-and-vol-2-and-vol-3", onlyHere(b).get(key));
    }

    @Test
    void shouldCommitAWriteThatAJoinersResurrectedCopyFailedOnceTheJoinersFirstScanRemovedIt() {
        withThirdMember(c -> {
            // c joined and its state transfer brought back an owner's index the others had removed: c is its primary
            // owner, so the write-skew check of every other member's write of it fails, and their scans never see it.
            String key = keyWhosePrimaryIs(c);
            a.put(key, "owner-index-with-vol-1");
            onlyHere(a).remove(key);
            onlyHere(b).remove(key);
            DivergedReplicas scansOnA = new DivergedReplicas(a, Duration.ZERO);
            scansOnA.repair();
            assertTrue(scansOnA.checked(), "a's copies are the others': it does not hold the entry");
            MetadataTransactions onA = new MetadataTransactions(a.getAdvancedCache().getTransactionManager(),
                    () -> false, scansOnA::checked);
            AtomicInteger attempts = new AtomicInteger();
            ExecutorService requests = Executors.newSingleThreadExecutor();
            try {
                Future<?> step = requests.submit(() -> onA.run("create vol-2 in a new owner's index", () -> {
                    attempts.incrementAndGet();
                    assertNull(a.get(key));
                    a.put(key, "owner-index-with-vol-2");
                }));
                awaitTrue("a round of attempts", Duration.ofSeconds(30), () -> attempts.get() > 12);
                assertFalse(step.isDone(), "the step goes on trying while c's copy fails its check");

                // c's service starts: its first scan removes the copy only it holds.
                assertEquals(1, new DivergedReplicas(c, Duration.ZERO).repair());

                step.get(30, TimeUnit.SECONDS);
            } catch (Exception e) {
                throw new AssertionError(e);
            } finally {
                requests.shutdownNow();
            }
            for (Cache<Object, Object> member : List.of(a, b, c)) {
                assertEquals("owner-index-with-vol-2", onlyHere(member).get(key));
            }
        });
    }

    @Test
    void shouldRemoveFromEveryMemberAnEntryTheOldestMemberNoLongerHolds() {
        String key = keyWhosePrimaryIs(a);
        a.put(key, "journal-record-of-an-operation-that-ended");
        onlyHere(a).remove(key);

        assertEquals(0, new DivergedReplicas(a, Duration.ZERO).repair(), "a no longer holds the entry to look at");
        assertEquals(1, new DivergedReplicas(b, Duration.ZERO).repair());

        assertNull(onlyHere(b).get(key));
        assertNull(onlyHere(a).get(key));
        assertFalse(b.containsKey(key));
    }

    @Test
    void shouldLeaveAnEntryToItsPrimaryOwnerWhenThisMembersOwnCopyIsTheStaleOne() {
        String key = keyWhosePrimaryIs(a);
        missedCommit(key, "stale", "current", b);

        assertEquals(0, new DivergedReplicas(b, Duration.ZERO).repair());

        assertEquals("stale", onlyHere(b).get(key), "b is not the primary owner: it leaves the entry to a");
        assertEquals("current", onlyHere(a).get(key));
    }

    @Test
    void shouldWriteNothingWhenEveryCopyAgrees() {
        IntStream.range(0, 20).forEach(i -> a.put("vol-" + i, "volume " + i));

        assertEquals(0, new DivergedReplicas(a, Duration.ZERO).repair());
        assertEquals(0, new DivergedReplicas(b, Duration.ZERO).repair());
    }

    @Test
    void shouldCountThisMembersCopiesCheckedOnlyOnceAScanFoundThemAlikeAfterThePrimaryOwnersRepair() {
        String key = keyWhosePrimaryIs(a);
        missedCommit(key, "stale", "current", b);
        DivergedReplicas onB = new DivergedReplicas(b, Duration.ZERO);
        assertFalse(onB.checked(), "no scan yet");

        onB.repair();
        assertFalse(onB.checked(), "b's copy differs from a's, and b is not the one to repair it");

        new DivergedReplicas(a, Duration.ZERO).repair();
        onB.repair();
        assertTrue(onB.checked(), "a gave b its copy; b's next scan found every copy alike");
    }

    @Test
    void shouldNotCountCopiesCheckedByAScanThatStartedTooSoonAfterTheMembersChanged() {
        DivergedReplicas soon = new DivergedReplicas(a, Duration.ofHours(1));

        soon.repair();

        assertTrue(soon.scannedOnce());
        assertFalse(soon.checked(), "copies still come apart for a while after a change of members");
    }

    @Test
    void shouldLetThisMembersCacheFollowTheClusterWhenAMemberLeavesWhileAScanWaitsForAnother() throws Exception {
        DefaultCacheManager third = member("c");
        DefaultCacheManager fourth = member("d");
        AtomicReference<Thread> scanner = new AtomicReference<>();
        ExecutorService scanning = Executors.newSingleThreadExecutor(task -> {
            Thread thread = new Thread(task, "scan");
            scanner.set(thread);
            return thread;
        });
        try {
            for (Cache<Object, Object> member : List.of(a, b, third.getCache("metadata"), fourth.getCache("metadata"))) {
                awaitMembers(member, 4);
            }
            a.put("vol-1", "available");
            // given c hears nothing from b (a lossy link: b's reads of c's copies wait)
            DISCARD lossyLink = new DISCARD().addIgnoreMember(channelOf(second).getAddress());
            channelOf(third).getProtocolStack().insertProtocol(lossyLink, ProtocolStack.Position.ABOVE,
                    SHARED_LOOPBACK.class);
            // (the members' new cache topology, then the rebalance's, follow this one)
            int before = topologyOf(b).getTopologyId();
            // and a scan on b waits for c's copy
            Future<Integer> scan = scanning.submit(() -> new DivergedReplicas(b, Duration.ZERO).repair());
            awaitTrue("the scan to wait for c's answer", Duration.ofSeconds(10),
                    () -> scanner.get() != null && (scanner.get().getState() == Thread.State.WAITING
                            || scanner.get().getState() == Thread.State.TIMED_WAITING));
            assertFalse(scan.isDone(), "the scan should wait for c's answer");

            // when d leaves, and the rebalance without d begins while the scan still waits
            fourth.stop();
            awaitTrue("the coordinator to begin the rebalance without d", Duration.ofSeconds(30),
                    () -> topologyOf(a).getMembers().size() == 3 && topologyOf(a).getTopologyId() >= before + 2);
            // and c hears from b again
            lossyLink.resetIgnoredMembers();

            // then the scan ends, having repaired nothing, and b's cache follows the cluster to the new members
            // (Infinispan's ConflictManager.getAllVersions, waiting for c when the rebalance began, failed that
            // rebalance on b: b stayed on the old topology, and the cluster's writes waited for it)
            assertEquals(0, scan.get(30, TimeUnit.SECONDS));
            awaitMembers(b, 3);
            awaitMembers(a, 3);
            assertTrue(topologyOf(b).getTopologyId() > before);
            assertEquals(topologyOf(a).getTopologyId(), topologyOf(b).getTopologyId());
            // and a write through b reaches every member
            b.put("vol-1", "in-use");
            assertEquals("in-use", onlyHere(a).get("vol-1"));
            assertEquals("in-use", onlyHere(third.getCache("metadata")).get("vol-1"));
        } finally {
            scanning.shutdownNow();
            fourth.stop();
            third.stop();
        }
    }

    @SafeVarargs
    private static void assertGoneFrom(String key, Cache<Object, Object>... members) {
        for (Cache<Object, Object> member : members) {
            assertFalse(onlyHere(member).containsKey(key), "removed on " + member.getCacheManager().getAddress());
        }
    }

    /** Runs {@code test} with a third member, c, in the cluster (joined and rebalanced), and stops c after it. */
    private void withThirdMember(Consumer<Cache<Object, Object>> test) {
        DefaultCacheManager third = member("c");
        try {
            Cache<Object, Object> c = third.getCache("metadata");
            awaitMembers(c, 3);
            test.accept(c);
        } finally {
            third.stop();
        }
    }

    /**
     * Commits {@code older}, then {@code newer}, through a to every member; then gives each of {@code missed} its
     * copy of {@code older} back, with the version that commit gave it, as a member holds it that missed the
     * second commit (or took an older copy in a state transfer).
     */
    @SafeVarargs
    private void missedCommit(String key, String older, String newer, Cache<Object, Object>... missed) {
        a.put(key, older);
        Map<Cache<Object, Object>, StoredCopy> olderCopies = new HashMap<>();
        for (Cache<Object, Object> member : missed) {
            olderCopies.put(member, StoredCopy.of(member, key));
        }
        a.put(key, newer);
        olderCopies.forEach((member, copy) -> copy.putInto(member, key, copy.value()));
    }

    /** Gives {@code member} a copy of {@code value} with the version its copy of the entry has. */
    private static void copyWithTheSameVersion(Cache<Object, Object> member, String key, String value) {
        StoredCopy.of(member, key).putInto(member, key, value);
    }

    /** A member's stored copy of an entry, as it was when read (the container updates its entries in place). */
    private record StoredCopy(Object value, Metadata metadata, PrivateMetadata internal, long created, long used) {
        static StoredCopy of(Cache<Object, Object> member, String key) {
            InternalCacheEntry<Object, Object> entry = containerOf(member).peek(key);
            assertNotNull(entry.getInternalMetadata().entryVersion(), "the server's metadata cache versions entries");
            return new StoredCopy(entry.getValue(), entry.getMetadata(), entry.getInternalMetadata(),
                    entry.getCreated(), entry.getLastUsed());
        }

        void putInto(Cache<Object, Object> member, String key, Object copy) {
            containerOf(member).put(topologyOf(member).getSegment(key), key, copy, metadata, internal, created, used);
        }
    }

    @SuppressWarnings("unchecked")
    private static InternalDataContainer<Object, Object> containerOf(Cache<Object, Object> member) {
        return ComponentRegistry.componentOf(member.getAdvancedCache(), InternalDataContainer.class);
    }

    private static Cache<Object, Object> onlyHere(Cache<Object, Object> cache) {
        return cache.getAdvancedCache().withFlags(Flag.CACHE_MODE_LOCAL);
    }

    private static String keyWhosePrimaryIs(Cache<Object, Object> cache) {
        return IntStream.range(0, 1000).mapToObj(i -> "op-" + i)
                .filter(key -> cache.getAdvancedCache().getDistributionManager().getCacheTopology()
                        .getDistribution(key).isPrimary())
                .findFirst().orElseThrow();
    }

    private DefaultCacheManager member(String name) {
        GlobalConfigurationBuilder global = GlobalConfigurationBuilder.defaultClusteredBuilder();
        global.transport().clusterName(cluster).nodeName(name).addProperty("configurationFile", "jgroups-in-jvm.xml");
        global.serialization().marshaller(new JavaSerializationMarshaller()).allowList().addRegexps("java\\..*");
        ConfigurationBuilder cache = new ConfigurationBuilder();
        cache.clustering().cacheMode(CacheMode.REPL_SYNC);
        cache.transaction().transactionMode(TransactionMode.TRANSACTIONAL).lockingMode(LockingMode.OPTIMISTIC)
                .transactionManagerLookup(new EmbeddedTransactionManagerLookup());
        cache.locking().isolationLevel(IsolationLevel.REPEATABLE_READ);
        DefaultCacheManager manager = new DefaultCacheManager(global.build());
        manager.defineConfiguration("metadata", cache.build());
        return manager;
    }

    private static void awaitTrue(String what, Duration patience, BooleanSupplier condition)
            throws InterruptedException {
        long deadline = System.nanoTime() + patience.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("waited " + patience + " for " + what);
            }
            Thread.sleep(20);
        }
    }

    private static LocalizedCacheTopology topologyOf(Cache<Object, Object> cache) {
        return cache.getAdvancedCache().getDistributionManager().getCacheTopology();
    }

    private static JChannel channelOf(DefaultCacheManager member) {
        return ((JGroupsTransport) GlobalComponentRegistry.componentOf(member, Transport.class)).getChannel();
    }

    private static void awaitMembers(Cache<Object, Object> cache, int count) {
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (cache.getAdvancedCache().getDistributionManager().getCacheTopology().getMembers().size() != count
                || cache.getAdvancedCache().getDistributionManager().getCacheTopology().getPhase()
                        != CacheTopology.Phase.NO_REBALANCE) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the cache did not reach " + count + " members: "
                        + cache.getAdvancedCache().getDistributionManager().getCacheTopology());
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }
}
