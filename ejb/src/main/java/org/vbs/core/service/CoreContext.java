package org.vbs.core.service;

import java.time.Clock;
import java.util.Objects;
import java.util.concurrent.Executor;
import org.vbs.core.domain.IdGenerator;
import org.vbs.core.store.MetadataStore;
import org.vbs.core.store.MetadataTransactions;

/**
 * What the workflows work with: the metadata (and its transactions), the storage (through the
 * driver), an executor for the asynchronous copies, a clock and the id source. The EJBs build one
 * from container resources; tests build one from embedded Infinispan and an in-test driver.
 */
public record CoreContext(MetadataStore store, MetadataTransactions transactions, VolumeDriverSource drivers,
                          Executor executor, Clock clock, IdGenerator ids) {
    public CoreContext {
        Objects.requireNonNull(store, "store");
        Objects.requireNonNull(transactions, "transactions");
        Objects.requireNonNull(drivers, "drivers");
        Objects.requireNonNull(executor, "executor");
        Objects.requireNonNull(clock, "clock");
        Objects.requireNonNull(ids, "ids");
    }
}
