package org.vbs.core.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.transaction.RollbackException;
import jakarta.transaction.TransactionManager;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.vbs.core.store.MetadataTransactions;
import org.vbs.core.testing.EmbeddedMetadata;
import org.vbs.core.testing.SettableClock;

/**
 * A commit that was reported failed but took effect (as Infinispan reported one while a member was
 * killed during it): the step that ends an operation then finds its record gone on the next try.
 * Within its lease that was its own commit, and the operation is done; past its lease it may have
 * been another node's, and the node stops.
 */
class StepRunnerCommitOutcomeTest {
    private static final Duration LEASE = Duration.ofSeconds(30);

    private final EmbeddedMetadata metadata = new EmbeddedMetadata();
    private final ExecutorService driverCalls = Executors.newSingleThreadExecutor();
    private final SettableClock clock = new SettableClock(Instant.parse("2026-12-01T12:00:00Z"));
    private final AtomicInteger finished = new AtomicInteger();
    private final AtomicInteger undone = new AtomicInteger();
    private final Plan plan = new Plan(List.of(
            Step.metadata("claim", op -> { }, (op, reason) -> undone.incrementAndGet()),
            Step.metadata("available", op -> finished.incrementAndGet(), (op, reason) -> undone.incrementAndGet())),
            Plan.Recovery.ROLL_BACK, (op, reason) -> undone.incrementAndGet(), op -> Optional.empty());

    @AfterEach
    void stop() {
        driverCalls.shutdownNow();
        metadata.close();
    }

    @Test
    void shouldTakeAFailedCommitThatRemovedTheRecordWithinTheLeaseAsDone() {
        OperationRecord started = start();
        StepRunner runner = runner(firstCommitAppliedButReportedFailed(Duration.ZERO));

        runner.run(started);

        assertEquals(1, finished.get(), "the last step ran once: its effect is not applied twice");
        assertEquals(0, undone.get(), "nothing was rolled back");
        assertTrue(metadata.operations().isEmpty(), "the journal is empty");
    }

    @Test
    void shouldNotClaimAVanishedRecordOnceItsLeaseHasExpired() {
        OperationRecord started = start();
        // the retry comes after the lease: another node may have taken the operation over and ended it
        StepRunner runner = runner(firstCommitAppliedButReportedFailed(LEASE.plusSeconds(1)));

        OperationFailedException stopped = assertThrows(OperationFailedException.class, () -> runner.run(started));

        assertTrue(stopped.getCause().getMessage().contains("gone"), stopped.getCause().getMessage());
        assertEquals(0, undone.get(), "a node that lost the record touches nothing");
    }

    private OperationRecord start() {
        OperationRecord started = OperationRecord.started("op-0123456789abcdef0", OperationKind.CREATE_VOLUME,
                "vol-0123456789abcdef0", "CN=Jane", "node-1", clock.instant().plus(LEASE), Map.of());
        metadata.transactions().run("claim", () -> metadata.store().insertOperation(started));
        return started;
    }

    private StepRunner runner(TransactionManager tm) {
        return new StepRunner(metadata.store(), new MetadataTransactions(tm), op -> plan, "node-1", clock, LEASE,
                driverCalls);
    }

    /**
     * The fixture's transaction manager, except that the first commit is applied and then reported rolled
     * back, after {@code taking} has passed on the clock.
     */
    private TransactionManager firstCommitAppliedButReportedFailed(Duration taking) {
        TransactionManager real = metadata.transactionManager();
        AtomicInteger commits = new AtomicInteger();
        return (TransactionManager) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {TransactionManager.class}, (proxy, method, args) -> {
                    try {
                        Object result = method.invoke(real, args);
                        if (method.getName().equals("commit") && commits.incrementAndGet() == 1) {
                            clock.advance(taking);
                            throw new RollbackException("write skew detected (test)");
                        }
                        return result;
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }
}
