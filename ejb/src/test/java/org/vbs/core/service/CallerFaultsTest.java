package org.vbs.core.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.ejb.EJBException;
import jakarta.transaction.RollbackException;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.infinispan.commons.TimeoutException;
import org.infinispan.partitionhandling.AvailabilityException;
import org.junit.jupiter.api.Test;
import org.vbs.core.api.ErrorCode;
import org.vbs.core.api.VbsException;
import org.vbs.core.domain.VolumeRecord;
import org.vbs.core.store.ConcurrentUpdateException;
import org.vbs.core.testing.EmbeddedMetadata;

class CallerFaultsTest {
    private static final String REQUEST = "5f0c2a8e-0000-4000-8000-000000000003";

    @Test
    void aCacheRefusingOnTheMinoritySideIsServiceUnavailableNeverInternalError() {
        for (RuntimeException failure : new RuntimeException[] {new AvailabilityException(),
                new EJBException(new AvailabilityException()),
                new VbsException(ErrorCode.INTERNAL_ERROR, "step failed", new AvailabilityException())}) {
            VbsException fault = CallerFaults.of(failure, REQUEST);

            assertEquals(ErrorCode.SERVICE_UNAVAILABLE, fault.code(), failure.toString());
            assertTrue(fault.getMessage().contains("cannot reach a majority of the cluster"), fault.getMessage());
        }
    }

    @Test
    void aMetadataStepTheMinorityRefusesIsTriedOnceLeavesNothingAndIsServiceUnavailable() {
        try (EmbeddedMetadata metadata = new EmbeddedMetadata()) {
            FailedStep step = insertThenFail(metadata, AvailabilityException::new);

            assertEquals(1, step.attempts(), "not a race: running it again cannot help");
            assertTrue(metadata.isEmpty(), "the step's writes were rolled back");
            assertEquals(ErrorCode.SERVICE_UNAVAILABLE, CallerFaults.of(step.failure(), REQUEST).code());
        }
    }

    @Test
    void aMetadataStepWhoseCommitsAChangeOfMembersInterruptedIsServiceUnavailableAndLeavesNothing() {
        try (EmbeddedMetadata metadata = new EmbeddedMetadata()) {
            FailedStep step = insertThenFail(metadata,
                    () -> rolledBackBy(new TimeoutException("ISPN000476: Timed out waiting for responses")));

            VbsException fault = CallerFaults.of(step.failure(), REQUEST);
            assertTrue(step.attempts() > 1, "a commit that timed out may pass next time: tried " + step.attempts());
            assertTrue(metadata.isEmpty(), "every attempt's writes were rolled back");
            assertEquals(ErrorCode.SERVICE_UNAVAILABLE, fault.code(), "not an InternalError: " + fault.getMessage());
            assertTrue(fault.getMessage().contains("changing its members"), fault.getMessage());
        }
    }

    @Test
    void aStepThatLostEveryRaceForAnotherReasonStaysAnInternalError() {
        try (EmbeddedMetadata metadata = new EmbeddedMetadata()) {
            FailedStep step = insertThenFail(metadata, () -> rolledBackBy(new IllegalStateException("write skew")));

            assertTrue(metadata.isEmpty(), "every attempt's writes were rolled back");
            assertEquals(ErrorCode.INTERNAL_ERROR, CallerFaults.of(step.failure(), REQUEST).code());
        }
    }

    /** What a metadata step that failed raised, after how many attempts. */
    private record FailedStep(RuntimeException failure, int attempts) {
    }

    /** Runs a step that inserts a volume and then fails with what {@code failing} makes, each attempt. */
    private static FailedStep insertThenFail(EmbeddedMetadata metadata, Supplier<RuntimeException> failing) {
        AtomicInteger attempts = new AtomicInteger();
        VolumeRecord volume = VolumeRecord.creating("vol-0000000000000000b", "CN=Jane,O=Grid", "local", 1,
                Optional.empty(), Map.of(), Optional.empty(), Instant.parse("2025-01-02T03:04:05Z"));
        RuntimeException failure = assertThrows(RuntimeException.class, () -> metadata.transactions().run(
                "insert, then fail", () -> {
                    attempts.incrementAndGet();
                    metadata.store().insertVolume(volume, Optional.empty());
                    throw failing.get();
                }));
        return new FailedStep(failure, attempts.get());
    }

    /** A commit's rollback as a transaction manager reports it: what failed is a suppressed exception. */
    private static ConcurrentUpdateException rolledBackBy(Exception failed) {
        RollbackException rollback = new RollbackException("ARJUNA016053: Could not commit transaction.");
        rollback.addSuppressed(failed);
        return new ConcurrentUpdateException("commit was rolled back", rollback);
    }

    @Test
    void anythingElseStaysAnInternalErrorThatNamesOnlyTheRequest() {
        VbsException fault = CallerFaults.of(new IllegalStateException("/var/lib/secret path"), REQUEST);

        assertEquals(ErrorCode.INTERNAL_ERROR, fault.code());
        assertTrue(fault.getMessage().contains(REQUEST), fault.getMessage());
    }
}
