package org.vbs.core.cluster;

import java.util.List;
import java.util.Objects;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.infinispan.AdvancedCache;
import org.infinispan.Cache;
import org.infinispan.commands.tx.RollbackCommand;
import org.infinispan.factories.ComponentRegistry;
import org.infinispan.partitionhandling.AvailabilityMode;
import org.infinispan.remoting.rpc.RpcManager;
import org.infinispan.remoting.transport.Address;
import org.infinispan.transaction.impl.RemoteTransaction;
import org.infinispan.transaction.impl.TransactionTable;
import org.infinispan.transaction.xa.GlobalTransaction;
import org.infinispan.util.ByteString;
import org.jboss.logging.Logger;

/**
 * Rolls back, on this node, the prepared transactions of a member that crashed before it committed
 * them, within seconds instead of 60 to 90 s later.
 *
 * <p>With partition handling on, a node keeps a departed member's prepared transactions, and the
 * locks they hold, when the view changes: {@code TransactionTable.cleanupLeaverTransactions} asks
 * {@code PartitionHandlingManager.canRollbackTransactionAfterOriginatorLeave}, which says no while the
 * cache's last stable topology still names the member (it does at that moment), and nothing asks
 * again. Only the transaction reaper ends them, once they are older than the cache's
 * {@code complete-timeout} (60 s). Meanwhile every call that writes what the dead node was committing
 * (a volume, an owner's index, a client token) waits on those locks, past a client's read timeout
 * (BalancedClusterIT's workload). Asking Infinispan again was not enough: when the dead member was
 * the coordinator, the next one resolves conflicts before the topology is stable again, the
 * resolution's writes wait on the same locks, and so the topology stayed unstable until the reaper; and
 * the others' reapers then rolled back a live member's transaction that the crash had left partly
 * committed (kept, locks held, until a stable topology), so that member kept its lock for good
 * (ISPN000361; a volume stayed {@code detaching}).
 *
 * <p>So this rolls them back as soon as the cache is AVAILABLE on this side (the majority: a minority
 * side, DEGRADED, leaves them for the merge), as Infinispan's own {@code TransactionTable} does for a
 * leaver: a local {@code RollbackCommand} through the interceptor chain, which releases the locks.
 * What the dead member may have committed on another node first is what Infinispan accepts once the
 * topology is stable too; after a coordinator's death, conflict resolution then settles it. (A shorter {@code complete-timeout} is no way out: the reaper ages every
 * transaction, a live member's included, and rolled back one that a crash had left partly committed
 * before its member completed it, so that member kept its lock for good; seen with 5 s.)
 */
public final class OrphanedTransactions {
    private static final Logger LOG = Logger.getLogger(OrphanedTransactions.class);
    /** How long one rollback may take before the scan gives up on it (the next scan tries again). */
    private static final long ROLLBACK_SECONDS = 10;

    private final List<Cache<?, ?>> caches;

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
        // The advanced cache, not WildFly's lazy wrapper of the injected one: only it is an InternalCache.
        AdvancedCache<?, ?> advanced = cache.getAdvancedCache();
        RpcManager rpc = advanced.getRpcManager();
        ComponentRegistry registry = ComponentRegistry.of(advanced);
        TransactionTable table = registry.getComponent(TransactionTable.class);
        if (rpc == null || table == null || advanced.getAvailability() != AvailabilityMode.AVAILABLE) {
            return;
        }
        List<Address> members = rpc.getMembers();
        List<GlobalTransaction> orphans = table.getRemoteTransactions().stream()
                .map(RemoteTransaction::getGlobalTransaction)
                .filter(transaction -> !members.contains(transaction.getAddress()))
                .toList();
        if (orphans.isEmpty()) {
            return;
        }
        LOG.infof("Cache %s: rolling back %d prepared transaction(s) of departed member(s) %s, which hold locks here",
                cache.getName(), orphans.size(), orphans.stream().map(GlobalTransaction::getAddress)
                        .map(Objects::toString).collect(Collectors.toCollection(TreeSet::new)));
        ByteString name = ByteString.fromString(cache.getName());
        for (GlobalTransaction orphan : orphans) {
            RollbackCommand rollback = new RollbackCommand(name, orphan);
            rollback.markTransactionAsRemote(false);
            try {
                rollback.invokeAsync(registry).toCompletableFuture().get(ROLLBACK_SECONDS, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (Throwable e) {
                LOG.warnf(e, "Cache %s: could not roll back %s of departed member %s; the next scan tries again",
                        cache.getName(), orphan, orphan.getAddress());
            }
        }
    }
}
