package org.vbs.core.cluster;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import org.infinispan.AdvancedCache;
import org.infinispan.Cache;
import org.infinispan.commands.CommandsFactory;
import org.infinispan.commands.remote.ClusteredGetCommand;
import org.infinispan.container.entries.CacheEntry;
import org.infinispan.container.entries.InternalCacheValue;
import org.infinispan.container.versioning.EntryVersion;
import org.infinispan.context.Flag;
import org.infinispan.context.impl.FlagBitSets;
import org.infinispan.distribution.DistributionInfo;
import org.infinispan.distribution.LocalizedCacheTopology;
import org.infinispan.factories.ComponentRegistry;
import org.infinispan.metadata.impl.PrivateMetadata;
import org.infinispan.remoting.responses.Response;
import org.infinispan.remoting.responses.SuccessfulResponse;
import org.infinispan.remoting.rpc.RpcManager;
import org.infinispan.remoting.rpc.RpcOptions;
import org.infinispan.remoting.transport.Address;
import org.infinispan.remoting.transport.impl.MapResponseCollector;

/**
 * Reads every member's copy of an entry, each member answering from its own data container: what
 * {@code ConflictManager.getAllVersions} reads, without its registry of waiting requests.
 *
 * <p>Why not that method: at each topology update of this node, Infinispan (16.0.5, and its main branch)
 * walks that registry, and for a request still waiting for a member that has left, clears the request's
 * list of owners, an immutable list ({@code DefaultConflictManager.VersionRequest.cancelRequestIfOutdated}).
 * The update then fails with an {@code UnsupportedOperationException}, this node's cache stays on the old
 * topology, and the whole cluster's writes wait for it. Seen in ClusterFailuresIT: a scan was waiting for
 * a frozen node's copy when failure detection removed it, and the survivors could not take its operation
 * over for three minutes, until it woke.
 *
 * <p>The cache stores its keys and values as objects (the server's heap memory with the JBOSS marshaller), so
 * the keys this node lists are the keys every member stores, and a member's copy compares with another's.
 */
final class MemberCopies {
    private final AdvancedCache<Object, Object> local;
    private final RpcManager rpc;
    private final CommandsFactory commands;

    MemberCopies(Cache<Object, Object> cache) {
        Objects.requireNonNull(cache, "cache");
        this.local = cache.getAdvancedCache().withFlags(Flag.CACHE_MODE_LOCAL, Flag.SKIP_OWNERSHIP_CHECK,
                Flag.SKIP_LOCKING);
        this.rpc = cache.getAdvancedCache().getRpcManager();
        // Through the advanced cache: WildFly gives the deployment a LazyCache, which is no InternalCache.
        this.commands = ComponentRegistry.of(cache.getAdvancedCache()).getCommandsFactory();
    }

    /**
     * One member's copy of an entry: its value and the version its last write gave it (the one the write-skew
     * check compares: the cache topology of that write, then the primary owner's count), both null where the
     * member holds none.
     */
    record Copy(Object value, EntryVersion version) {
        static final Copy ABSENT = new Copy(null, null);

        static Copy of(Object value, PrivateMetadata internal) {
            return value == null ? ABSENT : new Copy(value, internal == null ? null : internal.entryVersion());
        }

        boolean present() {
            return value != null;
        }
    }

    /**
     * @param topology the cache topology the caller is scanning in
     * @return each owner's copy of the entry; empty when an owner left the cache or could not answer for sure
     *         while it was read (the members are changing)
     * @throws IllegalStateException when an owner did not answer within the cache's remote timeout
     */
    Optional<Map<Address, Copy>> of(Object key, LocalizedCacheTopology topology) {
        DistributionInfo owners = topology.getDistribution(key);
        Address here = topology.getLocalAddress();
        Map<Address, Copy> copies = new HashMap<>();
        List<Address> others = new ArrayList<>(owners.writeOwners());
        if (others.remove(here)) {
            CacheEntry<Object, Object> entry = local.getCacheEntry(key);
            copies.put(here, entry == null ? Copy.ABSENT : Copy.of(entry.getValue(), entry.getInternalMetadata()));
        }
        if (others.isEmpty()) {
            return Optional.of(copies);
        }
        ClusteredGetCommand read = commands.buildClusteredGetCommand(key, owners.segmentId(),
                FlagBitSets.SKIP_OWNERSHIP_CHECK);
        read.setTopologyId(topology.getTopologyId());
        RpcOptions options = rpc.getSyncRpcOptions();
        Map<Address, Response> answers = await(key, rpc.invokeCommand(others, read,
                MapResponseCollector.ignoreLeavers(others.size()), options), options);
        for (Map.Entry<Address, Response> answer : answers.entrySet()) {
            if (!(answer.getValue() instanceof SuccessfulResponse<?> successful)) {
                return Optional.empty(); // a leaver (CacheNotFoundResponse) or an owner mid-update (UnsureResponse)
            }
            copies.put(answer.getKey(), successful.getResponseValue() instanceof InternalCacheValue<?> copy
                    ? Copy.of(copy.getValue(), copy.getInternalMetadata()) : Copy.ABSENT);
        }
        return Optional.of(copies);
    }

    private static Map<Address, Response> await(Object key, CompletionStage<Map<Address, Response>> answers,
                                                RpcOptions options) {
        try {
            // The call ends by the remote timeout itself; the wait's own bound is a guard.
            return answers.toCompletableFuture().get(options.timeout() * 2, options.timeUnit());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while reading the members' copies of " + key, e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("could not read the members' copies of " + key, e);
        }
    }
}
