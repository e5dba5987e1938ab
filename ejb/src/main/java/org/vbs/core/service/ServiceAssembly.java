package org.vbs.core.service;

import java.time.Clock;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.function.BooleanSupplier;
import org.vbs.core.api.StorageReconciliation;
import org.vbs.core.api.VolumeService;
import org.vbs.core.auth.AdminList;
import org.vbs.core.domain.IdGenerator;
import org.vbs.core.host.Hosts;
import org.vbs.core.store.MetadataStore;
import org.vbs.core.store.MetadataTransactions;
import org.vbs.security.chap.SecretSealer;

/**
 * The facade wired outside the container, over given parts (embedded caches, in-test drivers): how
 * the core's tests build the very service the container runs.
 *
 * @param core what recovery and the tests' inspections work with
 * @param service the facade
 * @param reconciliation the facade's ReconcileStorage (policy {@code report} by default)
 */
public record ServiceAssembly(CoreContext core, VolumeService service, StorageReconciliation reconciliation) {

    public static ServiceAssembly of(MetadataStore store, MetadataTransactions transactions, Hosts hosts,
                                     Executor executor, ExecutorService driverCalls, Clock clock, IdGenerator ids,
                                     String node, SecretSealer sealer, Timeouts timeouts,
                                     AdminList admins) {
        VolumeServiceBean facade = new VolumeServiceBean();
        CoreContext core = facade.assemble(new VolumeServiceBean.Parts(store, transactions, hosts, executor,
                driverCalls, clock, ids, node, sealer, timeouts, admins, Reconciler.Settings.DEFAULT));
        return new ServiceAssembly(core, facade, facade);
    }

    /**
     * Hands the journal's interrupted operations to recovery, as a (re)start does: at the first takeover look,
     * once this node's copies of the metadata were scanned.
     */
    public void recover(Executor on) {
        VolumeServiceBean facade = (VolumeServiceBean) service;
        facade.recoverAtNextLook();
        facade.takeOver(on);
    }

    /** Whether this node's copies of the metadata count as scanned for diverged ones (by default they do). */
    public void metadataScanned(BooleanSupplier scanned) {
        ((VolumeServiceBean) service).metadataScanned(scanned);
    }

    /**
     * Hands the operations whose lease has expired to recovery, and journals again the volumes left in a
     * transitional state without a record, as the periodic takeover does.
     */
    public void takeOver(Executor on) {
        ((VolumeServiceBean) service).takeOver(on);
    }
}
