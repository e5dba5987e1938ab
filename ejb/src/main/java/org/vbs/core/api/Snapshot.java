package org.vbs.core.api;

import java.time.Instant;
import java.util.Optional;

/**
 * A snapshot as described to its owner. {@code progress} is 0..100; {@code stateReason} says why a
 * snapshot is in {@code error}. Immutable, versioned like {@link Volume}; not the stored form.
 */
public record Snapshot(String id, String owner, String volumeId, long volumeSizeGiB, String description,
                       SnapshotState state, int progress, Optional<String> stateReason, Instant startTime,
                       long version) {
}
