package org.vbs.core.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.transaction.TransactionManager;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.vbs.core.api.ErrorCode;
import org.vbs.core.api.VbsException;
import org.vbs.core.domain.VolumeRecord;
import org.vbs.core.testing.EmbeddedMetadata;

/**
 * A metadata step waits while the caches resolve conflicts (a write committed during a resolution can
 * be undone by it), and the caller is told to retry, with nothing written, when the resolution lasts.
 */
class ConflictResolutionWaitTest {
    private static final Instant T = Instant.parse("2026-12-02T01:00:00Z");

    private final EmbeddedMetadata metadata = new EmbeddedMetadata();
    private final TransactionManager tm = metadata.transactionManager();
    private final AtomicBoolean resolving = new AtomicBoolean(true);

    @AfterEach
    void stop() {
        metadata.close();
    }

    private static VolumeRecord volume(String id) {
        return VolumeRecord.creating(id, "CN=Jane,O=Grid", "local", 1, Optional.empty(), Map.of(), Optional.empty(), T);
    }

    @Test
    void shouldBeginTheStepOnlyOnceTheResolutionHasEnded() throws Exception {
        // Asked three times: the step has looked again after a pause, and still not begun.
        CountDownLatch askedAgain = new CountDownLatch(3);
        MetadataTransactions transactions = new MetadataTransactions(tm, () -> {
            askedAgain.countDown();
            return resolving.get();
        }, () -> true, Duration.ofSeconds(30));
        AtomicBoolean ranDuringResolution = new AtomicBoolean();

        CompletableFuture<Void> step = CompletableFuture.runAsync(() -> transactions.run("claim vol-1", () -> {
            ranDuringResolution.compareAndSet(false, resolving.get());
            metadata.cache().put("vol-00000000000000001", volume("vol-00000000000000001"));
        }));
        assertTrue(askedAgain.await(10, TimeUnit.SECONDS), "the step did not ask whether the resolution had ended");
        assertFalse(step.isDone(), "the step went ahead during the resolution");
        assertTrue(metadata.volumes().isEmpty());
        resolving.set(false);

        step.get(10, TimeUnit.SECONDS);
        assertFalse(ranDuringResolution.get());
        assertEquals(1, metadata.volumes().size());
    }

    @Test
    void shouldRefuseWithServiceUnavailableAndWriteNothingWhenTheResolutionLasts() {
        MetadataTransactions transactions = new MetadataTransactions(tm, resolving::get, () -> true, Duration.ofMillis(300));
        AtomicBoolean ran = new AtomicBoolean();

        VbsException refused = assertThrows(VbsException.class, () -> transactions.run("claim vol-2", () -> {
            ran.set(true);
            metadata.cache().put("vol-00000000000000002", volume("vol-00000000000000002"));
        }));

        assertEquals(ErrorCode.SERVICE_UNAVAILABLE, refused.code());
        assertTrue(refused.getMessage().contains("nothing was changed"), refused.getMessage());
        assertFalse(ran.get());
        assertTrue(metadata.volumes().isEmpty());
    }
}
