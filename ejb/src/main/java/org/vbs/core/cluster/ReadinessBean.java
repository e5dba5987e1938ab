package org.vbs.core.cluster;

import jakarta.annotation.Resource;
import jakarta.ejb.DependsOn;
import jakarta.ejb.Local;
import jakarta.ejb.Singleton;
import jakarta.ejb.ConcurrencyManagement;
import jakarta.ejb.ConcurrencyManagementType;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.infinispan.Cache;
import org.infinispan.distribution.DistributionManager;
import org.infinispan.lifecycle.ComponentStatus;
import org.infinispan.partitionhandling.AvailabilityMode;
import org.infinispan.topology.CacheTopology;
import org.vbs.core.api.Readiness;

/**
 * Ready when every cache a call reads or writes is running and available (not in the degraded mode
 * of a partition's minority side). Depends on the service facade, so "ready" also means the facade
 * has started and handed the journal to recovery.
 */
@Singleton
@DependsOn("VolumeServiceBean")
@Local(Readiness.class)
@ConcurrencyManagement(ConcurrencyManagementType.BEAN)
@TransactionAttribute(TransactionAttributeType.NOT_SUPPORTED)
public class ReadinessBean implements Readiness {
    @Resource(lookup = "java:jboss/infinispan/cache/vbs/metadata")
    private Cache<?, ?> metadata;
    @Resource(lookup = "java:jboss/infinispan/cache/vbs/hosts")
    private Cache<?, ?> hosts;
    @Resource(lookup = "java:jboss/infinispan/cache/vbs/replay")
    private Cache<?, ?> replay;

    @Override
    public List<String> problems() {
        return problems(caches());
    }

    @Override
    public List<String> settling() {
        return settling(caches());
    }

    private Map<String, Cache<?, ?>> caches() {
        return Map.of("metadata", metadata, "hosts", hosts, "replay", replay);
    }

    /** Each cache whose topology is in a rebalance or conflict-resolution phase. */
    static List<String> settling(Map<String, Cache<?, ?>> caches) {
        List<String> settling = new ArrayList<>();
        caches.entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(entry -> {
            DistributionManager distribution = entry.getValue().getAdvancedCache().getDistributionManager();
            CacheTopology.Phase phase = distribution == null ? CacheTopology.Phase.NO_REBALANCE
                    : distribution.getCacheTopology().getPhase();
            if (phase != CacheTopology.Phase.NO_REBALANCE) {
                settling.add("cache " + entry.getKey() + " is in " + phase);
            }
        });
        return List.copyOf(settling);
    }

    static List<String> problems(Map<String, Cache<?, ?>> caches) {
        List<String> problems = new ArrayList<>();
        caches.entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(entry -> {
            Cache<?, ?> cache = entry.getValue();
            ComponentStatus status = cache.getStatus();
            if (status != ComponentStatus.RUNNING) {
                problems.add("cache " + entry.getKey() + " is " + status);
                return;
            }
            AvailabilityMode availability = cache.getAdvancedCache().getAvailability();
            if (availability != AvailabilityMode.AVAILABLE) {
                problems.add("cache " + entry.getKey() + " is " + availability);
            }
        });
        return List.copyOf(problems);
    }
}
