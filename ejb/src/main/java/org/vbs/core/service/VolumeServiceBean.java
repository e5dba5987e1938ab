package org.vbs.core.service;

import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.ejb.ConcurrencyManagement;
import jakarta.ejb.ConcurrencyManagementType;
import jakarta.ejb.DependsOn;
import jakarta.ejb.EJB;
import jakarta.ejb.Local;
import jakarta.ejb.Singleton;
import jakarta.ejb.Startup;
import jakarta.ejb.TransactionManagement;
import jakarta.ejb.TransactionManagementType;
import jakarta.enterprise.concurrent.ManagedExecutorService;
import jakarta.enterprise.concurrent.ManagedScheduledExecutorService;
import jakarta.enterprise.concurrent.ManagedThreadFactory;
import jakarta.transaction.TransactionManager;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.infinispan.Cache;
import org.jboss.logging.Logger;
import org.jboss.logging.MDC;
import org.vbs.core.api.CreateVolumeRequest;
import org.vbs.core.api.DescribeRequest;
import org.vbs.core.api.Page;
import org.vbs.core.api.ErrorCode;
import org.vbs.core.api.RequestContext;
import org.vbs.core.api.Snapshot;
import org.vbs.core.api.StorageReconciliation;
import org.vbs.core.api.VbsException;
import org.vbs.core.api.Volume;
import org.vbs.core.api.VolumeAttachment;
import org.vbs.core.api.VolumeService;
import org.vbs.core.auth.AdminList;
import org.vbs.core.config.VbsHome;
import org.vbs.core.domain.IdGenerator;
import org.vbs.core.host.Hosts;
import org.vbs.core.ops.OperationRecord;
import org.vbs.core.ops.Plan;
import org.vbs.core.ops.StepRunner;
import org.vbs.core.plugin.PluginHostBean;
import org.vbs.core.cluster.ConflictResolution;
import org.vbs.core.cluster.DivergedReplicas;
import org.vbs.core.cluster.OrphanedTransactions;
import org.vbs.core.store.MetadataStore;
import org.vbs.core.store.MetadataTransactions;
import org.vbs.security.chap.SecretSealer;
import org.vbs.security.pki.PkiLayout;
import org.vbs.security.pki.SealingKeys;

/**
 * The service facade, and the only layer between the endpoints and the workflows: it puts the
 * request id into the log context of everything the call does, runs the workflow, and translates
 * whatever fails into the caller's fault ({@link CallerFaults}), logging the details under the
 * request id.
 *
 * <p>A startup singleton: it builds the core once from the container's resources (the "vbs" cache
 * container's caches, the transaction manager, the managed executor and thread factory, the plugin
 * host), hands the journal's interrupted operations to recovery, and then serves calls concurrently.
 * Bean-managed transactions: the workflows open their own short metadata transactions, none around
 * storage work.
 */
@Singleton
@Startup
@DependsOn("PluginHostBean")
@Local({VolumeService.class, StorageReconciliation.class})
@ConcurrencyManagement(ConcurrencyManagementType.BEAN)
@TransactionManagement(TransactionManagementType.BEAN)
public class VolumeServiceBean implements VolumeService, StorageReconciliation {
    private static final Logger LOG = Logger.getLogger(VolumeServiceBean.class);
    /** How often a crashed member's prepared transactions are looked for (OrphanedTransactions). */
    private static final Duration ORPHAN_SCAN = Duration.ofSeconds(2);
    /**
     * How often this node looks for metadata entries whose copies differ among the members (DivergedReplicas): a
     * look scans only until a scan after the last change of members found every copy alike.
     */
    private static final Duration DIVERGED_SCAN = Duration.ofSeconds(2);

    @Resource(lookup = "java:jboss/infinispan/cache/vbs/metadata")
    private Cache<Object, Object> metadataCache;
    @Resource(lookup = "java:jboss/TransactionManager")
    private TransactionManager transactionManager;
    @Resource(lookup = "java:comp/DefaultManagedExecutorService")
    private ManagedExecutorService executor;
    @Resource(lookup = "java:comp/DefaultManagedThreadFactory")
    private ManagedThreadFactory threadFactory;
    @Resource(lookup = "java:comp/DefaultManagedScheduledExecutorService")
    private ManagedScheduledExecutorService scheduler;
    @EJB
    private PluginHostBean plugins;

    private ExecutorService driverCalls;
    private ScheduledFuture<?> takeover;
    private ScheduledFuture<?> orphans;
    private ScheduledFuture<?> diverged;
    private Optional<ScheduledFuture<?>> reconciling = Optional.empty();
    private Reconciler reconciler;
    private VolumeWorkflow volumes;
    private SnapshotWorkflow snapshots;
    private AttachmentWorkflow attachments;
    /**
     * Administrators see every owner's volumes and snapshots in Describe* (as an EC2 account with
     * read-only access across accounts does): describing only. Changing a volume or snapshot stays
     * its owner's alone, administrator or not: an administrator asking to delete, snapshot, attach or
     * detach another's volume gets NotFound as anyone does.
     */
    private AdminList admins;
    private CoreContext core;
    private Unjournalled unjournalled;
    private Unindexed unindexed;
    /**
     * Whether this node's copies of the metadata may be acted on by its periodic looks: a joiner's may hold
     * entries removed during its join until its first scan for diverged copies (DivergedReplicas) has ended.
     */
    private volatile BooleanSupplier metadataScanned = () -> true;
    /**
     * Whether the start-up recovery (this node's own interrupted operations and the expired ones) is still to
     * run: the first takeover look after the first scan runs it. A rejoined node that ran it at once, on the
     * copies its state transfer left (BalancedClusterIT, 1000 calls a client), resumed operations that the
     * others had ended, and took live nodes' operations for expired ones.
     */
    private volatile boolean startRecoveryDue;

    /** Everything a core needs besides its workflows (which the assembly makes). */
    record Parts(MetadataStore store, MetadataTransactions transactions, Hosts hosts, Executor executor,
                 ExecutorService driverCalls, Clock clock, IdGenerator ids, String node,
                 SecretSealer sealer, Timeouts timeouts, AdminList admins, Reconciler.Settings reconciler) {
    }

    @PostConstruct
    void start() {
        // A member that died while committing, or a joiner, can leave members with different copies of an entry.
        DivergedReplicas replicas = new DivergedReplicas(metadataCache);
        metadataScanned(replicas::scannedOnce);
        MetadataTransactions transactions = new MetadataTransactions(transactionManager, new ConflictResolution(
                List.of(metadataCache)), replicas::checked);
        MetadataStore store = new MetadataStore(metadataCache, transactions);
        driverCalls = Executors.newCachedThreadPool(threadFactory);
        SecretSealer sealer = new SecretSealer(SealingKeys.load(PkiLayout.under(VbsHome.resolve())));
        Timeouts timeouts = Timeouts.from(System.getProperties());
        LOG.infof("Timeouts: host call %s, copy %s, operation lease %s", timeouts.hostCall(), timeouts.copy(),
                timeouts.lease());
        CoreContext core = assemble(new Parts(store, transactions, plugins.hosts(), executor, driverCalls,
                Clock.systemUTC(), IdGenerator.secureRandom(), nodeName(), sealer, timeouts,
                new AdminList(VbsHome.resolve().resolve(AdminList.FILE_NAME)),
                Reconciler.Settings.from(System.getProperties())));
        startRecoveryDue = true;
        diverged = scheduler.scheduleWithFixedDelay(replicas::repair, DIVERGED_SCAN.toMillis(),
                DIVERGED_SCAN.toMillis(), TimeUnit.MILLISECONDS);
        // A dead or frozen node's operations wait at most a lease and a quarter for a survivor.
        long every = Math.max(1, timeouts.lease().toMillis() / 4);
        takeover = scheduler.scheduleWithFixedDelay(() -> takeOver(executor), every, every, TimeUnit.MILLISECONDS);
        // A crashed node's prepared transactions lock what it was committing until they are rolled back.
        OrphanedTransactions departed = new OrphanedTransactions(List.of(metadataCache));
        orphans = scheduler.scheduleWithFixedDelay(departed::rollBackThoseOfDepartedMembers, ORPHAN_SCAN.toMillis(),
                ORPHAN_SCAN.toMillis(), TimeUnit.MILLISECONDS);
        Reconciler.Settings settings = reconciler.settings();
        LOG.infof("Storage reconciler: policy %s, %s, grace %s", settings.policy().wireName(),
                settings.interval().map(i -> "every " + i + " and once a lease after start-up")
                        .orElse("only when an operator asks"), settings.grace());
        // The first run waits a lease, so recovery has taken up the interrupted operations (whose resources
        // it leaves alone either way) before it looks.
        reconciling = settings.interval().map(interval -> scheduler.scheduleWithFixedDelay(() -> {
            if (metadataScanned.getAsBoolean()) {
                reconciler.runScheduled();
            } else {
                LOG.info("Reconciler: waits for this node's first scan for diverged copies of the metadata");
            }
        }, timeouts.lease().toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS));
    }

    /** A (re)start's recovery is due at the next look (ServiceAssembly's tests restart with it). */
    void recoverAtNextLook() {
        startRecoveryDue = true;
    }

    /** Whether this node's copies of the metadata were scanned (ServiceAssembly's tests set it). */
    void metadataScanned(BooleanSupplier scanned) {
        metadataScanned = Objects.requireNonNull(scanned, "scanned");
    }

    /**
     * One periodic takeover look (ServiceAssembly's tests make it too): the operations whose lease has
     * expired go to recovery, then the volumes left in a transitional state with no record are journalled again,
     * and the owner index and client tokens brought back in line with the resources.
     */
    void takeOver(Executor on) {
        if (!core.store().journalAvailable()) {
            // A minority side: the majority takes over what expired; this node waits for the merge.
            LOG.debug("Takeover: the metadata cannot be read on this side of a partition; not scanning");
            return;
        }
        if (!metadataScanned.getAsBoolean()) {
            LOG.debug("Takeover: this node has not yet scanned its copies of the metadata for diverged ones; not looking");
            return;
        }
        if (startRecoveryDue) {
            try {
                Recovery.start(core, on);
                startRecoveryDue = false;
            } catch (RuntimeException e) {
                LOG.warnf("Recovery: the metadata cannot be read now (%s); trying again at the next look", e.toString());
            }
            return;
        }
        MetadataStore.Contents seen;
        try {
            seen = core.store().contents();
        } catch (RuntimeException e) {
            LOG.warnf("Takeover: the metadata cannot be read now (%s); trying again at the next scan", e.toString());
            return;
        }
        Recovery.takeOverExpired(core, seen.operations(), on);
        unjournalled.journalAgain(seen, on);
        unindexed.closeGaps(seen);
    }

    @PreDestroy
    void stop() {
        takeover.cancel(false);
        orphans.cancel(false);
        diverged.cancel(false);
        reconciling.ifPresent(run -> run.cancel(false));
        driverCalls.shutdownNow();
    }

    /**
     * Wires the workflows, the step runner and their plans into this facade (the container's path and
     * the tests' path alike).
     *
     * @return the core, for recovery
     */
    CoreContext assemble(Parts parts) {
        StepRunner runner = new StepRunner(parts.store(), parts.transactions(), this::plan, parts.node(), parts.clock(),
                parts.timeouts().lease(), parts.driverCalls());
        CoreContext core = new CoreContext(parts.store(), parts.transactions(), parts.hosts(), runner, parts.executor(),
                parts.clock(), parts.ids(), parts.timeouts());
        admins = parts.admins();
        this.core = core;
        unjournalled = new Unjournalled(core, this::plan);
        unindexed = new Unindexed(core);
        volumes = new VolumeWorkflow(core);
        snapshots = new SnapshotWorkflow(core);
        attachments = new AttachmentWorkflow(core, parts.sealer());
        reconciler = new Reconciler(core, parts.driverCalls(), parts.reconciler());
        return core;
    }

    @Override
    public Volume createVolume(RequestContext request, CreateVolumeRequest createRequest) {
        Objects.requireNonNull(createRequest, "createRequest");
        return call(VolumeWorkflow.CREATE, request, () -> volumes.create(owner(request), createRequest));
    }

    @Override
    public Volume deleteVolume(RequestContext request, String volumeId) {
        return call(VolumeWorkflow.DELETE, request, () -> volumes.delete(owner(request), volumeId));
    }

    @Override
    public Page<Volume> describeVolumes(RequestContext request, DescribeRequest describeRequest) {
        Objects.requireNonNull(describeRequest, "describeRequest");
        return call("DescribeVolumes", request, () -> volumes.describe(owner(request), admins.isAdmin(request),
                describeRequest));
    }

    @Override
    public Snapshot createSnapshot(RequestContext request, String volumeId, String description) {
        return call(SnapshotWorkflow.CREATE, request, () -> snapshots.create(owner(request), volumeId, description));
    }

    @Override
    public void deleteSnapshot(RequestContext request, String snapshotId) {
        call(SnapshotWorkflow.DELETE, request, () -> {
            snapshots.delete(owner(request), snapshotId);
            return null;
        });
    }

    @Override
    public Page<Snapshot> describeSnapshots(RequestContext request, DescribeRequest describeRequest) {
        Objects.requireNonNull(describeRequest, "describeRequest");
        return call("DescribeSnapshots", request, () -> snapshots.describe(owner(request), admins.isAdmin(request),
                describeRequest));
    }

    @Override
    public VolumeAttachment attachVolume(RequestContext request, String volumeId, String host, String instanceId,
                                         String device) {
        return call(AttachmentWorkflow.ATTACH, request, () -> attachments.attach(owner(request), volumeId, host,
                instanceId, device));
    }

    @Override
    public VolumeAttachment detachVolume(RequestContext request, String volumeId, Optional<String> instanceId,
                                         Optional<String> device, boolean force) {
        Objects.requireNonNull(instanceId, "instanceId");
        Objects.requireNonNull(device, "device");
        return call(AttachmentWorkflow.DETACH, request, () -> attachments.detach(owner(request), volumeId,
                new AttachmentWorkflow.Expected(instanceId, device), force));
    }

    @Override
    public Report reconcileStorage(RequestContext request, Optional<Policy> policy) {
        Objects.requireNonNull(policy, "policy");
        return call(Reconciler.OPERATION, request, () -> {
            if (!admins.isAdmin(request)) {
                throw new VbsException(ErrorCode.UNAUTHORIZED_OPERATION,
                        "Reconciling the storage is for administrators; " + request.caller() + " is not one.");
            }
            Policy chosen = policy.orElse(reconciler.settings().policy());
            LOG.infof("%s (policy %s) asked by %s (request %s)", Reconciler.OPERATION, chosen.wireName(),
                    request.caller(), request.requestId());
            return reconciler.run(chosen);
        });
    }

    /** The plan of a journalled operation, by its kind. */
    private Plan plan(OperationRecord operation) {
        return switch (operation.kind()) {
            case CREATE_VOLUME, CREATE_VOLUME_FROM_SNAPSHOT, DELETE_VOLUME -> volumes.plan(operation);
            case CREATE_SNAPSHOT, DELETE_SNAPSHOT -> snapshots.plan(operation);
            case ATTACH_VOLUME, DETACH_VOLUME -> attachments.plan(operation);
        };
    }

    private static String owner(RequestContext request) {
        return request.caller().dn();
    }

    private static <T> T call(String operation, RequestContext request, Supplier<T> work) {
        Objects.requireNonNull(request, "request");
        MDC.put(RequestContext.LOG_KEY, request.requestId());
        try {
            return work.get();
        } catch (RuntimeException e) {
            VbsException fault = CallerFaults.of(e, request.requestId());
            if (fault == e) {
                LOG.debugf("%s for %s refused (request %s): %s %s", operation, request.caller(), request.requestId(),
                        fault.code().code(), fault.getMessage());
            } else {
                LOG.errorf(e, "%s for %s failed (request %s), answered %s", operation, request.caller(),
                        request.requestId(), fault.code().code());
            }
            throw fault;
        } finally {
            MDC.remove(RequestContext.LOG_KEY);
        }
    }

    /** WildFly's node name (unique in a cluster), else this machine's host name. */
    private static String nodeName() {
        String node = System.getProperty("jboss.node.name");
        if (node != null && !node.isBlank()) {
            return node;
        }
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            throw new IllegalStateException("this node has no name: set jboss.node.name", e);
        }
    }
}
