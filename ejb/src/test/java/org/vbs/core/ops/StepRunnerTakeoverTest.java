package org.vbs.core.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.transaction.RollbackException;
import jakarta.transaction.TransactionManager;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
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

/**
 * Taking over a dead node's operation is one short transaction: when it keeps losing its commit (as
 * while the view keeps changing) the node gives up for now, leaves the record as it was, and holds no
 * thread for minutes; the next scan tries again.
 */
class StepRunnerTakeoverTest {
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-12-01T12:00:00Z"), ZoneOffset.UTC);

    private final EmbeddedMetadata metadata = new EmbeddedMetadata();
    private final ExecutorService driverCalls = Executors.newSingleThreadExecutor();

    @AfterEach
    void stop() {
        driverCalls.shutdownNow();
        metadata.close();
    }

    @Test
    void shouldGiveUpATakeoverThatNeverCommitsAndLeaveTheRecordAsItWas() {
        OperationRecord expired = OperationRecord.started("op-0123456789abcdef0", OperationKind.DELETE_VOLUME,
                "vol-0123456789abcdef0", "CN=Jane", "node-2", CLOCK.instant().minusSeconds(1), Map.of());
        metadata.transactions().run("node-2 starts a delete and dies", () -> metadata.store().insertOperation(expired));
        AtomicInteger commits = new AtomicInteger();
        AtomicInteger acted = new AtomicInteger();
        Step.Action act = op -> acted.incrementAndGet();
        Step.Compensation undo = (op, reason) -> acted.incrementAndGet();
        Plan plan = new Plan(List.of(Step.metadata("deleting", act, undo), Step.metadata("remove", act, undo)),
                Plan.Recovery.RESUME, undo, op -> {
                    acted.incrementAndGet();
                    return Optional.empty();
                });
        StepRunner runner = new StepRunner(metadata.store(), new MetadataTransactions(losingEveryCommit(commits)),
                op -> plan, "node-1", CLOCK, Duration.ofSeconds(30), driverCalls);

        assertFalse(runner.recover(expired));

        assertTrue(commits.get() > 1, "retried like any short step: " + commits.get());
        assertEquals(0, acted.get(), "nothing was taken over, so nothing ran");
        assertEquals(Map.of(expired.id(), expired), Map.copyOf(metadata.operations()));
        assertFalse(runner.isRunningHere(expired.id()), "the next scan may take it");
    }

    /** The fixture's transaction manager, except that every commit is rolled back (as a lost write-skew check). */
    private TransactionManager losingEveryCommit(AtomicInteger commits) {
        TransactionManager real = metadata.transactionManager();
        return (TransactionManager) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {TransactionManager.class}, (proxy, method, args) -> {
                    if (method.getName().equals("commit")) {
                        commits.incrementAndGet();
                        real.rollback();
                        throw new RollbackException("write skew detected (test)");
                    }
                    try {
                        return method.invoke(real, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }
}
