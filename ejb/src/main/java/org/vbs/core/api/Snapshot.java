package org.vbs.core.api;

import java.io.Serializable;
import java.time.Instant;
import java.util.Optional;

/**
 * A snapshot as stored and as described. {@code progress} is 0..100; {@code stateReason} says why a
 * snapshot is in {@code error}. Immutable, versioned like {@link Volume}.
 */
public record Snapshot(String id, String owner, String volumeId, long volumeSizeGiB, String description,
                       SnapshotState state, int progress, Optional<String> stateReason, Instant startTime,
                       long version) implements Serializable {
}
