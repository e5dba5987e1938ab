package org.vbs.core.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.transaction.RollbackException;
import jakarta.transaction.TransactionManager;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.infinispan.transaction.WriteSkewException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.vbs.core.api.ErrorCode;
import org.vbs.core.api.VbsException;
import org.vbs.core.testing.EmbeddedMetadata;

/**
 * A step that refuses (a client fault), or loses every race, before this node's copies were checked against
 * the other members' after a change of members may have read a stale copy: it waits for the check and runs
 * again, and the caller is told to retry, with nothing written, when the check does not come.
 */
class UncheckedCopiesRefusalTest {
    private static final String KEY = "vol-00000000000000007";

    private final EmbeddedMetadata metadata = new EmbeddedMetadata();
    private final TransactionManager tm = metadata.transactionManager();
    private final AtomicBoolean checked = new AtomicBoolean();
    /** What this node reads of the volume: "creating" in its stale copy, until the check made it current. */
    private final AtomicBoolean stale = new AtomicBoolean(true);

    @AfterEach
    void stop() {
        metadata.close();
    }

    /** A DeleteVolume step: refuses while the volume it reads is 'creating', else marks it deleting. */
    private void deleteStep(AtomicInteger runs) {
        runs.incrementAndGet();
        if (stale.get()) {
            throw new VbsException(ErrorCode.INCORRECT_STATE, "DeleteVolume is not possible for volume " + KEY
                    + " in state 'creating'");
        }
        metadata.cache().put(KEY, "deleting");
    }

    @Test
    void shouldRunARefusedStepAgainOnceThisNodesCopiesAreChecked() throws Exception {
        assertEquals(2, runsUntilChecked("delete " + KEY, this::deleteStep, 1));
        assertEquals("deleting", metadata.cache().get(KEY));
    }

    /**
     * A write of an entry whose copy on this node is stale: the primary owner's write-skew check fails it, as
     * the commit reports it, until the copy is current.
     */
    private void writeOnStaleCopy(AtomicInteger runs) {
        runs.incrementAndGet();
        metadata.cache().put(KEY, "creating");
        if (stale.get()) {
            RollbackException rollback = new RollbackException("ARJUNA016053: Could not commit transaction.");
            rollback.addSuppressed(new WriteSkewException("Write skew detected on key " + KEY, KEY));
            throw new ConcurrentUpdateException("commit was rolled back", rollback);
        }
    }

    @Test
    void shouldRunAStepThatLostEveryRaceAgainOnceThisNodesCopiesAreChecked() throws Exception {
        assertEquals(MetadataTransactions.ATTEMPTS + 1, runsUntilChecked("create " + KEY, this::writeOnStaleCopy,
                MetadataTransactions.ATTEMPTS), "a new round, which committed at once");
        assertEquals("creating", metadata.cache().get(KEY));
    }

    @Test
    void shouldAnswerServiceUnavailableAndWriteNothingWhenEveryRaceIsLostAndTheCheckDoesNotCome() {
        assertRefusedWhenTheCheckDoesNotCome("create " + KEY, this::writeOnStaleCopy, MetadataTransactions.ATTEMPTS);
    }

    @Test
    void shouldGoOnTryingAStepThatKeepsLosingOnCheckedCopiesUntilTheStaleCopyIsMadeCurrent() {
        checked.set(true);
        MetadataTransactions transactions = new MetadataTransactions(tm, () -> false, checked::get,
                Duration.ofSeconds(30), Duration.ofSeconds(30));
        AtomicInteger runs = new AtomicInteger();

        // Another member's scan makes the copy current a few seconds after the first round lost every attempt.
        transactions.run("create " + KEY, () -> {
            if (runs.get() == MetadataTransactions.ATTEMPTS + 2) {
                stale.set(false);
            }
            writeOnStaleCopy(runs);
        });

        assertEquals(MetadataTransactions.ATTEMPTS + 3, runs.get());
        assertEquals("creating", metadata.cache().get(KEY));
    }

    @Test
    void shouldTellTheCallerToRetryWhenEveryRaceIsLostOnCheckedCopiesForLongerThanThePatience() {
        checked.set(true);
        MetadataTransactions transactions = new MetadataTransactions(tm, () -> false, checked::get,
                Duration.ofSeconds(30), Duration.ofMillis(1500));
        AtomicInteger runs = new AtomicInteger();

        VbsException refused = assertThrows(VbsException.class, () -> transactions.run("create " + KEY,
                () -> writeOnStaleCopy(runs)));

        assertEquals(ErrorCode.SERVICE_UNAVAILABLE, refused.code(), "lost races: nothing was written, retry");
        assertFalse(refused.getMessage().contains(KEY), "no internals for the caller: " + refused.getMessage());
        assertTrue(runs.get() > MetadataTransactions.ATTEMPTS, "went on trying: " + runs.get());
        assertFalse(metadata.cache().containsKey(KEY));
    }

    @Test
    void shouldRefuseWithServiceUnavailableAndWriteNothingWhenTheCheckDoesNotCome() {
        assertRefusedWhenTheCheckDoesNotCome("delete " + KEY, this::deleteStep, 1);
    }

    /**
     * Runs the step until it has asked three times whether the copies are checked (it has looked again after a
     * pause, and still not answered), then makes this node's copy current and checked.
     *
     * @return how often the step ran in all
     */
    private int runsUntilChecked(String name, Consumer<AtomicInteger> step, int runsBeforeTheCheck) throws Exception {
        CountDownLatch askedAgain = new CountDownLatch(3);
        MetadataTransactions transactions = new MetadataTransactions(tm, () -> false, () -> {
            askedAgain.countDown();
            return checked.get();
        }, Duration.ofSeconds(30));
        AtomicInteger runs = new AtomicInteger();

        CompletableFuture<Void> running = CompletableFuture.runAsync(() -> transactions.run(name,
                () -> step.accept(runs)));
        assertTrue(askedAgain.await(10, TimeUnit.SECONDS), "the step did not ask whether the copies were checked");
        assertFalse(running.isDone(), "the step was answered before the copies were checked");
        assertEquals(runsBeforeTheCheck, runs.get());
        stale.set(false);
        checked.set(true);

        running.get(10, TimeUnit.SECONDS);
        return runs.get();
    }

    private void assertRefusedWhenTheCheckDoesNotCome(String name, Consumer<AtomicInteger> step, int runsExpected) {
        MetadataTransactions transactions = new MetadataTransactions(tm, () -> false, checked::get,
                Duration.ofMillis(300));
        AtomicInteger runs = new AtomicInteger();

        VbsException refused = assertThrows(VbsException.class, () -> transactions.run(name, () -> step.accept(runs)));

        assertEquals(ErrorCode.SERVICE_UNAVAILABLE, refused.code());
        assertTrue(refused.getMessage().contains("nothing was changed"), refused.getMessage());
        assertEquals(runsExpected, runs.get());
        assertFalse(metadata.cache().containsKey(KEY));
    }

    @Test
    void shouldRefuseAtOnceOnCheckedCopies() {
        checked.set(true);
        MetadataTransactions transactions = new MetadataTransactions(tm, () -> false, checked::get,
                Duration.ofSeconds(30));
        AtomicInteger runs = new AtomicInteger();

        VbsException refused = assertThrows(VbsException.class, () -> transactions.run("delete " + KEY,
                () -> deleteStep(runs)));

        assertEquals(ErrorCode.INCORRECT_STATE, refused.code());
        assertEquals(1, runs.get());
    }

    @Test
    void shouldNotHoldBackAServerFaultForTheCheck() {
        MetadataTransactions transactions = new MetadataTransactions(tm, () -> false, checked::get,
                Duration.ofSeconds(30));

        VbsException failed = assertThrows(VbsException.class, () -> transactions.run("delete " + KEY, () -> {
            throw new VbsException(ErrorCode.INSUFFICIENT_CAPACITY, "no room on any volume server");
        }));

        assertEquals(ErrorCode.INSUFFICIENT_CAPACITY, failed.code());
    }
}
