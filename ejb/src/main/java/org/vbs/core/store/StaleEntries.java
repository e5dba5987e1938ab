package org.vbs.core.store;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.infinispan.AdvancedCache;
import org.infinispan.Cache;
import org.infinispan.context.Flag;
import org.infinispan.remoting.rpc.RpcManager;
import org.jboss.logging.Logger;

/**
 * Removes from this node's own file store what the cluster no longer holds. Every node keeps the
 * metadata in a file store of its own (20-infinispan.cli, shared=false); a node that was down while
 * the others removed entries (a volume deleted, an operation ended or taken over and finished) still
 * has them there, and Infinispan would load them again on a read of this node, so a deleted volume or
 * an ended operation would come back through it (and a revived journal record be run a second time).
 *
 * <p>A node that joins caches others already run receives their entries at the join (state transfer,
 * before the cache starts): that is the cluster's truth, and an entry only its store holds is stale.
 * A node that starts them alone (the first of a cluster starting) keeps its store: it is the truth
 * then. So after a full stop, start first the node that stopped last (README, "Two nodes as one").
 */
public final class StaleEntries {
    private static final Logger LOG = Logger.getLogger(StaleEntries.class);

    private StaleEntries() {
    }

    /**
     * Removes, on this node only, the entries of the cache that its store holds and the running cluster
     * did not send it; nothing when this node is the cache's only member.
     *
     * @return the keys removed
     */
    public static <K, V> List<K> removeFromJoiner(Cache<K, V> cache) {
        RpcManager rpc = cache.getAdvancedCache().getRpcManager();
        if (rpc == null || rpc.getMembers().size() <= 1) {
            return List.of();
        }
        List<K> removed = removeStoreOnly(cache);
        if (!removed.isEmpty()) {
            LOG.warnf("Cache %s: removed %d stale entr%s that this node's store kept from before it rejoined"
                    + " (the cluster had removed them meanwhile): %s", cache.getName(), removed.size(),
                    removed.size() == 1 ? "y" : "ies", removed);
        }
        return removed;
    }

    /** Removes, on this node only, every entry its store holds and its memory does not. */
    static <K, V> List<K> removeStoreOnly(Cache<K, V> cache) {
        AdvancedCache<K, V> local = cache.getAdvancedCache().withFlags(Flag.CACHE_MODE_LOCAL);
        AdvancedCache<K, V> memory = local.withFlags(Flag.SKIP_CACHE_LOAD);
        Set<K> received = new HashSet<>(memory.keySet());
        List<K> removed = new ArrayList<>();
        for (K key : List.copyOf(local.keySet())) {
            // Checked again just before: an entry the cluster writes meanwhile is in memory, and stays.
            if (!received.contains(key) && !memory.containsKey(key)) {
                local.remove(key);
                removed.add(key);
            }
        }
        return removed;
    }
}
