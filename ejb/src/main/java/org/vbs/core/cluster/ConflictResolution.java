package org.vbs.core.cluster;

import java.util.List;
import java.util.function.BooleanSupplier;
import org.infinispan.Cache;
import org.infinispan.distribution.DistributionManager;
import org.infinispan.topology.CacheTopology;

/**
 * Whether any of the metadata caches is resolving conflicts: after a merge, and after the coordinator
 * died (merge-policy PREFERRED_ALWAYS, 20-infinispan.cli). Resolution runs while the nodes serve, and
 * it applies each key's preferred value as it read it, so an entry committed meanwhile can be undone: in
 * BalancedClusterIT's workload, after the coordinator was killed, a volume claimed during the resolution
 * was gone a few milliseconds after its claim committed. {@link org.vbs.core.store.MetadataTransactions}
 * asks this before each transaction and waits while it holds.
 */
public final class ConflictResolution implements BooleanSupplier {
    private final List<Cache<?, ?>> caches;

    public ConflictResolution(List<Cache<?, ?>> caches) {
        this.caches = List.copyOf(caches);
    }

    /** @return whether a cache's topology is in its conflict-resolution phase on this node now */
    @Override
    public boolean getAsBoolean() {
        for (Cache<?, ?> cache : caches) {
            DistributionManager distribution = cache.getAdvancedCache().getDistributionManager();
            if (distribution != null
                    && distribution.getCacheTopology().getPhase() == CacheTopology.Phase.CONFLICT_RESOLUTION) {
                return true;
            }
        }
        return false;
    }
}
