package org.vbs.core.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.ejb.EJBException;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.infinispan.partitionhandling.AvailabilityException;
import org.junit.jupiter.api.Test;
import org.vbs.core.api.ErrorCode;
import org.vbs.core.api.VbsException;
import org.vbs.core.domain.VolumeRecord;
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
            AtomicInteger attempts = new AtomicInteger();
            VolumeRecord volume = VolumeRecord.creating("vol-0000000000000000b", "CN=Jane,O=Grid", "local", 1,
                    Optional.empty(), Map.of(), Optional.empty(), Instant.parse("2025-01-02T03:04:05Z"));

            RuntimeException failure = assertThrows(RuntimeException.class, () -> metadata.transactions().run(
                    "insert on the minority side", () -> {
                        attempts.incrementAndGet();
                        metadata.store().insertVolume(volume, Optional.empty());
                        throw new AvailabilityException();
                    }));

            assertEquals(1, attempts.get(), "not a race: running it again cannot help");
            assertTrue(metadata.isEmpty(), "the step's writes were rolled back");
            assertEquals(ErrorCode.SERVICE_UNAVAILABLE, CallerFaults.of(failure, REQUEST).code());
        }
    }

    @Test
    void anythingElseStaysAnInternalErrorThatNamesOnlyTheRequest() {
        VbsException fault = CallerFaults.of(new IllegalStateException("/var/lib/secret path"), REQUEST);

        assertEquals(ErrorCode.INTERNAL_ERROR, fault.code());
        assertTrue(fault.getMessage().contains(REQUEST), fault.getMessage());
    }
}
