package org.vbs.core.service;

import java.time.Clock;
import java.util.Objects;
import java.util.concurrent.Executor;
import org.vbs.core.domain.IdGenerator;
import org.vbs.core.host.Hosts;
import org.vbs.core.ops.StepRunner;
import org.vbs.core.store.MetadataStore;
import org.vbs.core.store.MetadataTransactions;

/**
 * What the workflows work with: the metadata (and its transactions), the hosts and their drivers,
 * the step runner with its journal, an executor for the asynchronous operations, a clock, the id
 * source and the driver calls' timeouts. The facade builds one from container resources; tests build one from embedded Infinispan
 * and in-test drivers.
 */
public record CoreContext(MetadataStore store, MetadataTransactions transactions, Hosts hosts, StepRunner runner,
                          Executor executor, Clock clock, IdGenerator ids, Timeouts timeouts) {
    public CoreContext {
        Objects.requireNonNull(store, "store");
        Objects.requireNonNull(transactions, "transactions");
        Objects.requireNonNull(hosts, "hosts");
        Objects.requireNonNull(runner, "runner");
        Objects.requireNonNull(executor, "executor");
        Objects.requireNonNull(clock, "clock");
        Objects.requireNonNull(ids, "ids");
        Objects.requireNonNull(timeouts, "timeouts");
    }
}
