package org.vbs.core.service;

import jakarta.annotation.PostConstruct;
import jakarta.annotation.Resource;
import jakarta.ejb.ConcurrencyManagement;
import jakarta.ejb.ConcurrencyManagementType;
import jakarta.ejb.DependsOn;
import jakarta.ejb.EJB;
import jakarta.ejb.Singleton;
import jakarta.ejb.Startup;
import jakarta.ejb.TransactionManagement;
import jakarta.ejb.TransactionManagementType;
import jakarta.enterprise.concurrent.ManagedExecutorService;
import jakarta.transaction.TransactionManager;
import java.time.Clock;
import org.infinispan.Cache;
import org.vbs.core.api.VolumeService;
import org.vbs.core.domain.IdGenerator;
import org.vbs.core.domain.SnapshotRecord;
import org.vbs.core.domain.VolumeRecord;
import org.vbs.core.plugin.PluginHostBean;
import org.vbs.core.store.MetadataStore;
import org.vbs.core.store.MetadataTransactions;
import org.vbs.core.store.OwnedIds;
import org.vbs.core.store.OwnerKey;
import org.vbs.core.store.TokenEntry;
import org.vbs.core.store.TokenKey;

/**
 * Builds the service core once from the container's resources (the "vbs" cache container's
 * caches, the transaction manager, the default managed executor, the plugin host) and, before any
 * request, reconciles what a crash interrupted.
 *
 * <p>Bean-managed transactions: the workflows open their own short metadata transactions
 * ({@link MetadataTransactions}) around each step and none around the storage work.
 */
@Singleton
@Startup
@DependsOn("PluginHostBean")
@ConcurrencyManagement(ConcurrencyManagementType.BEAN)
@TransactionManagement(TransactionManagementType.BEAN)
public class ServiceCoreBean {
    @Resource(lookup = "java:jboss/infinispan/cache/vbs/volumes")
    private Cache<String, VolumeRecord> volumes;
    @Resource(lookup = "java:jboss/infinispan/cache/vbs/snapshots")
    private Cache<String, SnapshotRecord> snapshots;
    @Resource(lookup = "java:jboss/infinispan/cache/vbs/owners")
    private Cache<OwnerKey, OwnedIds> owners;
    @Resource(lookup = "java:jboss/infinispan/cache/vbs/client-tokens")
    private Cache<TokenKey, TokenEntry> clientTokens;
    @Resource(lookup = "java:jboss/TransactionManager")
    private TransactionManager transactionManager;
    @Resource(lookup = "java:comp/DefaultManagedExecutorService")
    private ManagedExecutorService executor;
    @EJB
    private PluginHostBean plugins;

    private VolumeServiceCore service;

    @PostConstruct
    void start() {
        MetadataTransactions transactions = new MetadataTransactions(transactionManager);
        MetadataStore store = new MetadataStore(volumes, snapshots, owners, clientTokens, transactions);
        CoreContext core = new CoreContext(store, transactions, plugins::driver, executor, Clock.systemUTC(),
                IdGenerator.secureRandom());
        new Reconciler(core).run();
        service = new VolumeServiceCore(core);
    }

    public VolumeService service() {
        return service;
    }
}
