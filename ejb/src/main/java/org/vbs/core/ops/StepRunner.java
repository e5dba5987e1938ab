package org.vbs.core.ops;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.function.Function;
import org.jboss.logging.Logger;
import org.jboss.logging.MDC;
import org.vbs.core.api.VbsException;
import org.vbs.core.domain.Causes;
import org.vbs.core.store.ConcurrentUpdateException;
import org.vbs.core.store.MetadataStore;
import org.vbs.core.store.MetadataTransactions;

/**
 * Runs operations step by step through their {@link Plan}, journalling each step, and rolls them
 * back when a step fails: the steps done (and the failed one, which may have half happened) are
 * compensated in reverse order. Metadata steps commit together with their journal record; storage
 * steps run on a thread of their own, are cut off after their timeout, and keep the operation's lease
 * renewed while they run. A tolerated step's failure is passed over where its plan says so; an
 * irreversible step, once done, is never rolled back past (the plan gives up instead).
 *
 * <p>A node acts on an operation only while its journal record names that node in the epoch it took
 * it at: every step's journal write is a compare-and-set, and before a storage step whose lease has less
 * than half left, the node renews it first (a compare-and-set too). So a node that froze or was cut off
 * past its lease, and whose operation another node took over meanwhile, finds the record changed at its
 * next step and stops without touching the operation again (fencing by epoch). What it cannot stop is a
 * driver call it had already begun: that call is interrupted when its next lease renewal fails.
 * Another node takes an operation over only once its lease has expired by that node's clock, so the
 * nodes' clocks must agree to well within half a lease.
 */
public final class StepRunner {
    /** The state reason of what a restart or a dead node interrupted and rolled back. */
    public static final String INTERRUPTED = "interrupted when the service node running it stopped";

    private static final Logger LOG = Logger.getLogger(StepRunner.class);

    /**
     * This node lost the operation to another one (it took it over after the lease expired, and may have
     * ended it already): {@link OperationFailedException#handedOver()}.
     */
    static final class LeaseLost extends RuntimeException {
        private static final long serialVersionUID = 1L;

        LeaseLost(String message) {
            super(message);
        }
    }

    private final MetadataStore store;
    private final MetadataTransactions transactions;
    private final Function<OperationRecord, Plan> plans;
    private final String node;
    private final Clock clock;
    private final Duration lease;
    private final ExecutorService driverCalls;
    /** The operations this node's threads are running (or rolling back) now. */
    private final Set<String> runningHere = ConcurrentHashMap.newKeySet();

    /**
     * @param plans the plan of each operation (built from its record, so it can be rebuilt after a restart)
     * @param node this service node's name, written into the records it runs
     * @param lease how long a record stays this node's without being renewed
     * @param driverCalls where storage steps run (a pool of its own: a hung driver call ties up only its thread)
     */
    public StepRunner(MetadataStore store, MetadataTransactions transactions, Function<OperationRecord, Plan> plans,
                      String node, Clock clock, Duration lease, ExecutorService driverCalls) {
        this.store = Objects.requireNonNull(store, "store");
        this.transactions = Objects.requireNonNull(transactions, "transactions");
        this.plans = Objects.requireNonNull(plans, "plans");
        this.node = Objects.requireNonNull(node, "node");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.lease = Objects.requireNonNull(lease, "lease");
        this.driverCalls = Objects.requireNonNull(driverCalls, "driverCalls");
    }

    public String node() {
        return node;
    }

    /** Whether one of this node's threads is running (or rolling back) the operation now. */
    public boolean isRunningHere(String operationId) {
        return runningHere.contains(operationId);
    }

    /** The lease expiry for a record written now. */
    public Instant leaseFromNow() {
        return clock.instant().plus(lease);
    }

    /**
     * Runs the steps after the first (which committed with the record) to the end.
     *
     * @throws OperationFailedException when a step failed; the operation was then rolled back
     */
    public void run(OperationRecord started) {
        boolean claimed = runningHere.add(started.id());
        try {
            runSteps(started);
        } finally {
            if (claimed) {
                runningHere.remove(started.id());
            }
        }
    }

    private void runSteps(OperationRecord started) {
        Plan plan = plans.apply(started);
        OperationRecord operation = started;
        for (int i = operation.stepsDone(); i < plan.steps().size(); i++) {
            Step step = plan.steps().get(i);
            try {
                operation = step.metadata() ? applyMetadata(operation, step, i, plan) : applyStorage(operation, step, i);
            } catch (LeaseLost e) {
                LOG.errorf("%s: %s; this node stops acting on it", operation, e.getMessage());
                throw new OperationFailedException(operation, step.name(), e);
            } catch (Exception e) {
                LOG.warnf(e, "%s: step '%s' failed: %s; rolling back", operation, step.name(), Causes.describe(e));
                String reason = operation.kind().apiName() + " failed at step '" + step.name() + "'";
                rollBack(operation, step.metadata() ? i - 1 : i, reason, plan);
                throw new OperationFailedException(operation, step.name(), e);
            }
        }
        LOG.infof("%s: done", started.kind().apiName() + " " + started.id() + " of " + started.resourceId());
    }

    /**
     * Runs {@link #run} on {@code executor}, with the caller's log context; a failure is logged there
     * (the rollback already put the resource in a state the caller can see).
     */
    public void runLater(OperationRecord started, java.util.concurrent.Executor executor) {
        Map<String, Object> context = MDC.getMap();
        executor.execute(() -> {
            context.forEach(MDC::put);
            try {
                run(started);
            } catch (OperationFailedException e) {
                LOG.debugf("%s ended rolled back", started);
            } catch (RuntimeException e) {
                LOG.errorf(e, "%s: failed unexpectedly", started);
            } finally {
                MDC.clear();
            }
        });
    }

    /**
     * Finishes an operation a restart (or a dead node) interrupted: takes it over, then resumes or rolls
     * it back as its plan says (one already rolling back goes on rolling back).
     *
     * @return false when another node took it over first, or the takeover lost its commit every time
     *         (the next scan tries again)
     */
    public boolean recover(OperationRecord found) {
        if (!runningHere.add(found.id())) {
            LOG.debugf("%s: already running here", found);
            return false;
        }
        try {
            return takeOverAndFinish(found);
        } finally {
            runningHere.remove(found.id());
        }
    }

    private boolean takeOverAndFinish(OperationRecord found) {
        Plan plan = plans.apply(found);
        OperationRecord taken;
        try {
            // Bounded, unlike the steps that record finished storage work: nothing is done yet, and the
            // next scan (a quarter lease later) tries again, so a record that keeps losing its commit (a
            // view that keeps changing) does not hold an executor thread for minutes.
            taken = transactions.runForOwner(found.owner(), "take over " + found.id(), () -> {
                OperationRecord current = store.operation(found.id()).orElseThrow(() ->
                        new LeaseLost(found.id() + " is gone"));
                if (!current.node().equals(node) && !current.leaseExpiredAt(clock.instant())) {
                    throw new LeaseLost("node " + current.node() + " holds it");
                }
                OperationRecord mine = current.takenOverBy(node, leaseFromNow());
                store.replaceOperation(current, mine);
                return mine;
            });
            // The takeover may have waited for the view to change before it committed: its lease may be
            // half gone already, and another node may be taking the operation over in turn.
            taken = fence(taken);
            if (endedAsStale(taken, plan)) {
                return true;
            }
        } catch (LeaseLost e) {
            LOG.infof("%s: not taken over (%s)", found, e.getMessage());
            return false;
        } catch (VbsException e) {
            if (!(e.getCause() instanceof ConcurrentUpdateException)) {
                throw e;
            }
            LOG.warnf("%s: not taken over now (%s); the next scan tries again", found, e.getMessage());
            return false;
        }
        OperationRecord operation = taken;
        int interrupted = operation.stepsDone();
        boolean partialStorageStep = interrupted < plan.steps().size() && !plan.steps().get(interrupted).metadata();
        int from = partialStorageStep ? interrupted : interrupted - 1;
        if (operation.phase() == OperationRecord.Phase.ROLLING_BACK) {
            LOG.warnf("%s: was rolling back; going on", operation);
            rollBack(operation, from, operation.failure().orElse(INTERRUPTED), plan);
        } else if (plan.onInterrupt() == Plan.Recovery.ROLL_BACK) {
            LOG.warnf("%s: was interrupted; rolling it back", operation);
            rollBack(operation, from, operation.kind().apiName() + " was " + INTERRUPTED, plan);
        } else {
            LOG.warnf("%s: was interrupted; resuming it", operation);
            OperationRecord[] renewed = {operation};
            if (partialStorageStep) {
                Step step = plan.steps().get(interrupted);
                try {
                    callDriver(operation, step.name() + " (undo before resuming)", step.timeout(),
                            () -> step.compensate().run(operation, INTERRUPTED), renewed);
                } catch (Exception e) {
                    LOG.errorf(e, "%s: what the interrupted step '%s' left cannot be removed", operation, step.name());
                    giveUp(operation, plan, operation.kind().apiName() + " was " + INTERRUPTED
                            + " and what it left could not be removed");
                    return true;
                }
            }
            try {
                run(renewed[0]);
            } catch (OperationFailedException e) {
                if (e.getCause() instanceof LeaseLost) {
                    LOG.infof("%s: another node holds it now; this node stopped resuming it", operation);
                } else {
                    LOG.warnf("%s: resuming failed; it was rolled back", operation);
                }
            }
        }
        return true;
    }

    /**
     * Ends, without acting on it, a record whose resource is not as its step 0 left it: another node
     * ended the operation while a store that kept the record was away, so resuming or rolling it back
     * would undo what that node settled (delete a volume that is available again, detach one in use).
     *
     * @return whether the record was ended so
     */
    private boolean endedAsStale(OperationRecord operation, Plan plan) {
        Optional<String> broken = transactions.runForOwner(operation.owner(), operation.kind().apiName() + " "
                + operation.resourceId() + ": check its claim", () -> {
                    OperationRecord current = mine(operation);
                    Optional<String> why = plan.claim().broken(current);
                    if (why.isPresent()) {
                        store.removeOperation(current);
                    }
                    return why;
                });
        broken.ifPresent(why -> LOG.errorf("%s: its journal record is stale (%s); ended without resuming or rolling"
                + " back anything", operation, why));
        return broken.isPresent();
    }

    private OperationRecord applyMetadata(OperationRecord operation, Step step, int index, Plan plan) {
        if (index == plan.steps().size() - 1) {
            end(operation, step.name(), current -> runMetadata(step, current));
            return operation;
        }
        return transactions.finish(operation.owner(), operation.kind().apiName() + " " + operation.resourceId() + ": "
                + step.name(), () -> {
                    OperationRecord current = mine(operation);
                    runMetadata(step, current);
                    OperationRecord next = current.stepDone(index + 1, leaseFromNow());
                    store.replaceOperation(current, next);
                    return next;
                });
    }

    private static void runMetadata(Step step, OperationRecord current) {
        try {
            step.apply().run(current);
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException("metadata step '" + step.name() + "' failed", e);
        }
    }

    /**
     * Runs {@code effect} and removes the record in one transaction, retried until it commits: the last
     * step, the undo of step 0, a give-up.
     *
     * <p>A commit reported failed may have taken effect all the same: when a member was killed during
     * the commit, Infinispan reported a write-skew failure at prepare, and the next try found the record
     * gone (BalancedClusterIT's workload, no other node's log naming it). Until this node's lease has
     * expired no other node may end the operation, so such a removal was this step's own commit: the
     * operation is over, as the step meant it to be, and nothing is done twice.
     */
    private void end(OperationRecord operation, String what, Consumer<OperationRecord> effect) {
        AtomicBoolean triedToCommit = new AtomicBoolean();
        transactions.finish(operation.owner(), operation.kind().apiName() + " " + operation.resourceId() + ": "
                + what, () -> {
                    if (triedToCommit.get() && store.operation(operation.id()).isEmpty()
                            && !operation.leaseExpiredAt(clock.instant())) {
                        LOG.warnf("%s: the commit of '%s' was reported failed, but it took effect (its record is gone,"
                                + " and no other node may end it before %s)", operation, what, operation.leaseExpiry());
                        return null;
                    }
                    OperationRecord current = mine(operation);
                    effect.accept(current);
                    store.removeOperation(current);
                    triedToCommit.set(true);
                    return null;
                });
    }

    private OperationRecord applyStorage(OperationRecord held, Step step, int index) throws Exception {
        OperationRecord operation = fence(held);
        OperationRecord[] renewed = {operation};
        Map<String, String> produced = new java.util.concurrent.ConcurrentHashMap<>();
        try {
            callDriver(operation, step.name(), step.timeout(), () -> produced.putAll(step.apply().run(operation)),
                    renewed);
        } catch (LeaseLost | InterruptedException e) {
            throw e;
        } catch (Exception e) {
            Optional<String> passedOver = step.tolerance().passOver(operation);
            if (passedOver.isEmpty()) {
                throw e;
            }
            // Its failure (or cut-off) is not the operation's: it goes on without what the step would have
            // produced, and the operator learns what may be left.
            LOG.warnf(e, "%s: step '%s' failed: %s; passed over (%s)", operation, step.name(), Causes.describe(e),
                    passedOver.get());
            return journal(renewed[0], "step '" + step.name() + "' passed over",
                    r -> r.stepDone(index + 1, leaseFromNow()));
        }
        return journal(renewed[0], "step '" + step.name() + "' done",
                r -> r.stepDone(index + 1, leaseFromNow(), produced));
    }

    /**
     * Compensates steps {@code from .. 0}; step 0's compensation commits with the removal of the
     * record. When a compensation fails, the rest cannot safely go on: the plan gives up (the resource
     * goes to {@code error}).
     */
    private void rollBack(OperationRecord failed, int from, String reason, Plan plan) {
        OperationRecord operation;
        try {
            operation = journal(failed, "rolling back", r -> r.phase() == OperationRecord.Phase.ROLLING_BACK
                    ? r.renewed(leaseFromNow()) : r.rollingBack(reason, leaseFromNow()));
        } catch (RuntimeException e) {
            LOG.errorf(e, "%s: cannot record the rollback; the next recovery rolls it back", failed);
            return;
        }
        for (int j = from; j >= 0; j--) {
            Step step = plan.steps().get(j);
            int stepIndex = j;
            if (step.irreversible() && stepIndex < operation.stepsDone()) {
                LOG.errorf("%s: step '%s' is done and cannot be undone", operation, step.name());
                giveUp(operation, plan, reason + ", after step '" + step.name() + "', which cannot be undone");
                return;
            }
            try {
                if (step.metadata() && stepIndex == 0) {
                    end(operation, "undo " + step.name(), current -> compensateMetadata(step.compensate(), current,
                            reason));
                } else if (step.metadata()) {
                    OperationRecord at = operation;
                    operation = transactions.finish(operation.owner(), operation.kind().apiName() + " "
                            + operation.resourceId() + ": undo " + step.name(), () -> {
                                OperationRecord current = mine(at);
                                compensateMetadata(step.compensate(), current, reason);
                                OperationRecord next = current.stepDone(stepIndex, leaseFromNow());
                                store.replaceOperation(current, next);
                                return next;
                            });
                } else {
                    OperationRecord at = operation;
                    OperationRecord[] renewed = {operation};
                    callDriver(operation, "undo " + step.name(), step.timeout(),
                            () -> step.compensate().run(at, reason), renewed);
                    operation = journal(renewed[0], "undid step '" + step.name() + "'",
                            r -> r.stepDone(stepIndex, leaseFromNow()));
                }
            } catch (LeaseLost e) {
                LOG.errorf("%s: %s; this node stops rolling it back", operation, e.getMessage());
                return;
            } catch (Exception e) {
                LOG.errorf(e, "%s: undoing step '%s' failed: %s", operation, step.name(), Causes.describe(e));
                giveUp(operation, plan, reason + ", and undoing step '" + step.name() + "' failed");
                return;
            }
        }
        LOG.infof("%s: rolled back (%s)", operation, reason);
    }

    private void giveUp(OperationRecord operation, Plan plan, String reason) {
        try {
            end(operation, "give up", current -> compensateMetadata(plan.giveUp(), current, reason));
            LOG.errorf("%s: gave up: %s", operation, reason);
        } catch (RuntimeException e) {
            LOG.errorf(e, "%s: cannot even record the failure; the next recovery tries again", operation);
        }
    }

    private static void compensateMetadata(Step.Compensation compensation, OperationRecord operation, String reason) {
        try {
            compensation.run(operation, reason);
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException("compensation failed", e);
        }
    }

    /** Writes the next version of the record, if it is still this node's. */
    private OperationRecord journal(OperationRecord operation, String what,
                                    Function<OperationRecord, OperationRecord> change) {
        return transactions.finish(operation.owner(), operation.kind().apiName() + " " + operation.resourceId() + ": "
                + what, () -> {
                    OperationRecord current = mine(operation);
                    OperationRecord next = change.apply(current);
                    store.replaceOperation(current, next);
                    return next;
                });
    }

    /**
     * The record to start a storage step with: renewed first (a compare-and-set) when less than half its
     * lease is left, so a node that was frozen or cut off learns whether it still holds the operation
     * before it touches the storage again.
     */
    private OperationRecord fence(OperationRecord operation) {
        if (operation.leaseExpiry().isAfter(clock.instant().plus(lease.dividedBy(2)))) {
            return operation;
        }
        return journal(operation, "lease renewed before a storage step", r -> r.renewed(leaseFromNow()));
    }

    private OperationRecord mine(OperationRecord operation) {
        OperationRecord current = store.operation(operation.id()).orElseThrow(() ->
                new LeaseLost("its journal record is gone"));
        if (!current.sameHolding(operation)) {
            throw new LeaseLost("node " + current.node() + " took it over (epoch " + current.epoch() + ")");
        }
        return current;
    }

    /** A storage call on the driver pool: cut off after {@code timeout}, renewing the lease meanwhile. */
    private void callDriver(OperationRecord operation, String what, Duration timeout, DriverCall call,
                            OperationRecord[] renewed) throws Exception {
        Map<String, Object> context = MDC.getMap();
        Future<Void> result = driverCalls.submit(() -> {
            context.forEach(MDC::put);
            try {
                call.run();
                return null;
            } finally {
                MDC.clear();
            }
        });
        long deadline = System.nanoTime() + timeout.toNanos();
        long renewEvery = Math.max(1, lease.toMillis() / 3);
        while (true) {
            long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
            if (left <= 0) {
                result.cancel(true);
                throw new TimeoutException(what + " of " + operation.resourceId() + " did not finish within "
                        + timeout.toSeconds() + " s and was cut off");
            }
            try {
                result.get(Math.min(left, renewEvery), TimeUnit.MILLISECONDS);
                return;
            } catch (TimeoutException e) {
                try {
                    renewed[0] = journal(renewed[0], "lease renewed", r -> r.renewed(leaseFromNow()));
                } catch (RuntimeException lost) {
                    // Another node holds it now (or the journal cannot be written): this call must not go on.
                    result.cancel(true);
                    throw lost;
                }
            } catch (ExecutionException e) {
                Throwable cause = e.getCause();
                if (cause instanceof Exception exception) {
                    throw exception;
                }
                throw e;
            } catch (InterruptedException e) {
                result.cancel(true);
                Thread.currentThread().interrupt();
                throw e;
            }
        }
    }

    @FunctionalInterface
    private interface DriverCall {
        void run() throws Exception;
    }
}
