package org.vbs.core.testing;

import jakarta.transaction.TransactionManager;
import java.util.Map;
import org.infinispan.Cache;
import org.infinispan.commons.dataconversion.MediaType;
import org.infinispan.commons.marshall.JavaSerializationMarshaller;
import org.infinispan.configuration.cache.Configuration;
import org.infinispan.configuration.cache.ConfigurationBuilder;
import org.infinispan.configuration.global.GlobalConfigurationBuilder;
import org.infinispan.manager.DefaultCacheManager;
import org.infinispan.transaction.LockingMode;
import org.infinispan.transaction.TransactionMode;
import org.infinispan.transaction.lookup.EmbeddedTransactionManagerLookup;
import org.infinispan.util.concurrent.IsolationLevel;
import org.vbs.core.domain.SnapshotRecord;
import org.vbs.core.domain.VolumeRecord;
import org.vbs.core.host.RegisteredHost;
import org.vbs.core.ops.OperationRecord;
import org.vbs.core.store.MetadataStore;
import org.vbs.core.store.MetadataTransactions;
import org.vbs.core.store.OwnedIds;
import org.vbs.core.store.OwnerKey;
import org.vbs.core.store.SharedHostCache;
import org.vbs.core.store.TokenEntry;
import org.vbs.core.store.TokenKey;

/**
 * The metadata cache of MetadataStore and the registered hosts' cache in a real embedded Infinispan, configured like the server's where it
 * matters: transactional, OPTIMISTIC, REPEATABLE_READ (so a lost compare-and-set fails its commit),
 * and every key and value stored in serialized form (Java serialization, as the server's JBOSS
 * marshaller), which for the stored records means their ProtoStream message
 * ({@code org.vbs.core.store.proto.StoredMessage}), so a value that does not marshal fails here as
 * it would in WildFly, and every read goes through the schema.
 */
public final class EmbeddedMetadata implements AutoCloseable {
    private final DefaultCacheManager manager;
    private final TransactionManager tm;
    private final MetadataTransactions transactions;
    private final MetadataStore store;

    public EmbeddedMetadata() {
        GlobalConfigurationBuilder global = new GlobalConfigurationBuilder().nonClusteredDefault();
        global.serialization().marshaller(new JavaSerializationMarshaller())
                .allowList().addRegexps("org\\.vbs\\..*", "java\\..*");
        manager = new DefaultCacheManager(global.build());
        ConfigurationBuilder cache = new ConfigurationBuilder();
        cache.encoding().mediaType(MediaType.APPLICATION_SERIALIZED_OBJECT_TYPE);
        cache.transaction().transactionMode(TransactionMode.TRANSACTIONAL).lockingMode(LockingMode.OPTIMISTIC)
                .transactionManagerLookup(new EmbeddedTransactionManagerLookup());
        cache.locking().isolationLevel(IsolationLevel.REPEATABLE_READ);
        Configuration configuration = cache.build();
        for (String name : new String[] {"metadata", "hosts"}) {
            manager.defineConfiguration(name, configuration);
        }
        tm = cache().getAdvancedCache().getTransactionManager();
        transactions = new MetadataTransactions(tm);
        store = new MetadataStore(cache(), transactions);
    }

    /** The metadata cache itself: for a test that writes what no store method would (a state a crash leaves). */
    public Cache<Object, Object> cache() {
        return manager.getCache("metadata");
    }

    /** The volumes the cache holds now (a copy). */
    public Map<String, VolumeRecord> volumes() {
        return store.entriesOf(String.class, VolumeRecord.class);
    }

    public Map<String, SnapshotRecord> snapshots() {
        return store.entriesOf(String.class, SnapshotRecord.class);
    }

    public Map<OwnerKey, OwnedIds> owners() {
        return store.entriesOf(OwnerKey.class, OwnedIds.class);
    }

    public Map<TokenKey, TokenEntry> tokens() {
        return store.entriesOf(TokenKey.class, TokenEntry.class);
    }

    public Map<String, OperationRecord> operations() {
        return store.entriesOf(String.class, OperationRecord.class);
    }

    /** The cluster's registered hosts (RegisterHost), as the server keeps them. */
    public Cache<String, RegisteredHost> hosts() {
        return manager.getCache("hosts");
    }

    /** The registered hosts as a node's registry reads and writes them. */
    public SharedHostCache sharedHosts() {
        return new SharedHostCache(hosts(), transactions);
    }

    public TransactionManager transactionManager() {
        return tm;
    }

    public MetadataTransactions transactions() {
        return transactions;
    }

    public MetadataStore store() {
        return store;
    }

    /** Whether the metadata cache is empty: the "nothing left behind" check. */
    public boolean isEmpty() {
        return cache().isEmpty();
    }

    @Override
    public void close() {
        manager.stop();
    }
}
