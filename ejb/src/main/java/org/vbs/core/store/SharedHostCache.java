package org.vbs.core.store;

import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.infinispan.Cache;
import org.infinispan.notifications.Listener;
import org.infinispan.notifications.cachelistener.annotation.CacheEntryCreated;
import org.infinispan.notifications.cachelistener.annotation.CacheEntryModified;
import org.infinispan.notifications.cachelistener.annotation.CacheEntryRemoved;
import org.infinispan.notifications.cachelistener.annotation.PartitionStatusChanged;
import org.infinispan.notifications.cachelistener.annotation.TopologyChanged;
import org.infinispan.notifications.cachelistener.event.Event;
import org.infinispan.partitionhandling.AvailabilityMode;
import org.vbs.core.api.VbsException;
import org.vbs.core.cluster.MinoritySide;
import org.vbs.core.host.RegisteredHost;
import org.vbs.core.host.SharedHosts;

/**
 * The shared hosts in the replicated {@code hosts} cache (name -> registration), written in short
 * metadata transactions like every other record: of two nodes that add one name at once, one commits
 * and the other's step runs again and finds the name taken.
 * <p>
 * Placement and every driver lookup read all registrations, and reading the whole cache walks its
 * file store, so {@link #all()} answers from a copy taken at the last change. A listener counts every
 * change this node applies (its own, another node's, a topology change that brings state or ends a
 * merge); a copy taken before the latest count is taken again. {@link #close()} removes the listener.
 */
public final class SharedHostCache implements SharedHosts, AutoCloseable {
    private final Cache<String, RegisteredHost> hosts;
    private final MetadataTransactions transactions;
    private final AtomicLong changes = new AtomicLong();
    private final AtomicReference<Copy> copy = new AtomicReference<>();
    private final ChangeCounter counter = new ChangeCounter();

    /** The registrations as they were when {@code changes} had counted this many changes. */
    private record Copy(long changes, Map<String, RegisteredHost> hosts) {
    }

    public SharedHostCache(Cache<String, RegisteredHost> hosts, MetadataTransactions transactions) {
        this.hosts = Objects.requireNonNull(hosts, "hosts");
        this.transactions = Objects.requireNonNull(transactions, "transactions");
        hosts.addListener(counter);
    }

    @Override
    public Map<String, RegisteredHost> all() {
        return available(() -> {
            // The copy outlives a split: a minority side must still refuse, as a read of the cache would.
            if (hosts.getAdvancedCache().getAvailability() != AvailabilityMode.AVAILABLE) {
                throw MinoritySide.refusal();
            }
            long seen = changes.get();
            Copy last = copy.get();
            if (last != null && last.changes() == seen) {
                return last.hosts();
            }
            // Counted before reading: a change during the read makes this copy old at once.
            Map<String, RegisteredHost> read = Collections.unmodifiableMap(new TreeMap<>(hosts));
            copy.set(new Copy(seen, read));
            return read;
        });
    }

    @Override
    public boolean add(RegisteredHost host) {
        return available(() -> transactions.run("register host " + host.name(),
                () -> hosts.putIfAbsent(host.name(), host) == null));
    }

    @Override
    public boolean remove(RegisteredHost host) {
        return available(() -> transactions.run("deregister host " + host.name(),
                () -> hosts.remove(host.name(), host)));
    }

    @Override
    public void close() {
        hosts.removeListener(counter);
    }

    /** A read the cache refuses because this node is on a minority side is that refusal, as for the other caches. */
    private static <T> T available(Supplier<T> access) {
        try {
            return access.get();
        } catch (VbsException e) {
            throw e;
        } catch (RuntimeException e) {
            if (MinoritySide.causedBy(e)) {
                throw MinoritySide.refusal(e);
            }
            throw e;
        }
    }

    /** Counts changes before and after they apply (a transaction's are notified at its commit). */
    @Listener(observation = Listener.Observation.BOTH)
    public final class ChangeCounter {
        @CacheEntryCreated
        @CacheEntryModified
        @CacheEntryRemoved
        @TopologyChanged
        @PartitionStatusChanged
        public void changed(Event<?, ?> event) {
            changes.incrementAndGet();
        }
    }
}
