package org.vbs.core.cluster;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import org.infinispan.Cache;
import org.infinispan.factories.ComponentRegistry;
import org.infinispan.remoting.rpc.RpcManager;
import org.infinispan.remoting.transport.Address;
import org.infinispan.transaction.impl.RemoteTransaction;
import org.infinispan.transaction.impl.TransactionTable;
import org.infinispan.transaction.xa.GlobalTransaction;
import org.jboss.logging.Logger;

/**
 * Has Infinispan roll back, on this node, the prepared transactions of a member that crashed before
 * it committed them, as soon as partition handling allows, instead of 60 to 90 s later.
 *
 * <p>With partition handling on, a node keeps a departed member's prepared transactions, and the
 * locks they hold, when the view changes: {@code TransactionTable.cleanupLeaverTransactions} asks
 * {@code PartitionHandlingManager.canRollbackTransactionAfterOriginatorLeave}, which says no while the
 * last stable topology still names the member (it does at that moment: a crash looks like a split
 * until the topology settles), and nothing asks again. Only the transaction reaper ends them, every
 * 30 s, once they are older than the cache's {@code complete-timeout} (60 s). Meanwhile every call
 * that writes what the dead node was committing (a volume, an owner's index, a client token) waits on
 * those locks, past a client's read timeout (BalancedClusterIT's workload). So this asks again on a
 * schedule: once the cache is AVAILABLE and its stable topology no longer has the member, Infinispan
 * rolls them back, by its own rule. (A shorter {@code complete-timeout} is no way out: the reaper then
 * also rolls back, on the others, a live member's transaction that a crash left partly committed,
 * before that member completes it, and the member keeps its lock forever; seen with 5 s.)
 */
public final class OrphanedTransactions {
    private static final Logger LOG = Logger.getLogger(OrphanedTransactions.class);

    private final List<Cache<?, ?>> caches;
    /** Per cache, the orphans last reported, so a scan logs only what changed. */
    private final Map<String, Set<GlobalTransaction>> reported = new ConcurrentHashMap<>();

    /** @param caches the transactional, clustered caches to look after */
    public OrphanedTransactions(List<Cache<?, ?>> caches) {
        this.caches = List.copyOf(caches);
    }

    /** One scan of every cache; a failure on one cache is logged and does not stop the others or later scans. */
    public void rollBackThoseOfDepartedMembers() {
        for (Cache<?, ?> cache : caches) {
            try {
                rollBackThoseOfDepartedMembers(cache);
            } catch (RuntimeException e) {
                LOG.warnf(e, "Cache %s: could not look for transactions of departed members", cache.getName());
            }
        }
    }

    private void rollBackThoseOfDepartedMembers(Cache<?, ?> cache) {
        RpcManager rpc = cache.getAdvancedCache().getRpcManager();
        // The advanced cache, not WildFly's lazy wrapper of the injected one: only it is an InternalCache.
        TransactionTable table = ComponentRegistry.componentOf(cache.getAdvancedCache(), TransactionTable.class);
        if (rpc == null || table == null) {
            return;
        }
        List<Address> members = rpc.getMembers();
        Set<GlobalTransaction> orphans = new HashSet<>();
        for (RemoteTransaction remote : table.getRemoteTransactions()) {
            if (!members.contains(remote.getGlobalTransaction().getAddress())) {
                orphans.add(remote.getGlobalTransaction());
            }
        }
        Set<GlobalTransaction> before = reported.getOrDefault(cache.getName(), Set.of());
        if (!orphans.isEmpty() && !orphans.equals(before)) {
            LOG.infof("Cache %s: %d prepared transaction(s) of departed member(s) %s hold locks here; rolling back"
                    + " those partition handling allows", cache.getName(), orphans.size(),
                    orphans.stream().map(GlobalTransaction::getAddress).map(Objects::toString)
                            .collect(Collectors.toCollection(TreeSet::new)));
        } else if (orphans.isEmpty() && !before.isEmpty()) {
            LOG.infof("Cache %s: no transaction of a departed member is left here", cache.getName());
        }
        reported.put(cache.getName(), Set.copyOf(orphans));
        if (!orphans.isEmpty()) {
            table.cleanupLeaverTransactions(members);
        }
    }
}
