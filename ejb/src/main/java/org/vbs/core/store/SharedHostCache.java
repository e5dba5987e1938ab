package org.vbs.core.store;

import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.function.Supplier;
import org.infinispan.Cache;
import org.vbs.core.api.VbsException;
import org.vbs.core.cluster.MinoritySide;
import org.vbs.core.host.RegisteredHost;
import org.vbs.core.host.SharedHosts;

/**
 * The shared hosts in the replicated {@code hosts} cache (name -> registration), written in short
 * metadata transactions like every other record: of two nodes that add one name at once, one commits
 * and the other's step runs again and finds the name taken.
 */
public final class SharedHostCache implements SharedHosts {
    private final Cache<String, RegisteredHost> hosts;
    private final MetadataTransactions transactions;

    public SharedHostCache(Cache<String, RegisteredHost> hosts, MetadataTransactions transactions) {
        this.hosts = Objects.requireNonNull(hosts, "hosts");
        this.transactions = Objects.requireNonNull(transactions, "transactions");
    }

    @Override
    public Map<String, RegisteredHost> all() {
        return available(() -> new TreeMap<>(hosts));
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
}
