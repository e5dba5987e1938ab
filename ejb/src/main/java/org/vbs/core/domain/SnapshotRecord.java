package org.vbs.core.domain;

import java.io.Serial;
import java.io.Serializable;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import org.vbs.core.api.Snapshot;
import org.vbs.core.api.SnapshotState;
import org.vbs.core.store.proto.StoredMessage;

/**
 * A snapshot as the service keeps it in the replicated cache. Immutable and versioned like
 * {@link VolumeRecord}, and stored the same way (message {@code vbs.metadata.SnapshotRecord},
 * {@link org.vbs.core.store.proto.SnapshotRecordAdapter}).
 *
 * @param owner the owner's DN (RFC 2253)
 * @param host the volume server holding the snapshot's storage (its volume's)
 * @param volumeSizeGiB the size of the volume when the snapshot was taken
 * @param description the caller's description; empty when none was given
 * @param progress 0..100
 * @param stateReason why the snapshot is in {@code error}
 */
public record SnapshotRecord(String id, String owner, String host, String volumeId, long volumeSizeGiB, String description,
                             SnapshotState state, int progress, Optional<String> stateReason, Instant startTime,
                             long version) implements Serializable {

    public SnapshotRecord {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(owner, "owner");
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(volumeId, "volumeId");
        Objects.requireNonNull(description, "description");
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(stateReason, "stateReason");
        Objects.requireNonNull(startTime, "startTime");
        if (progress < 0 || progress > 100) {
            throw new IllegalArgumentException("progress must be 0..100: " + progress);
        }
    }

    /** A new snapshot: {@code pending} at 0%, version 0. */
    public static SnapshotRecord pending(String id, String owner, VolumeRecord volume, String description,
                                         Instant now) {
        return new SnapshotRecord(id, owner, volume.host(), volume.id(), volume.sizeGiB(), description, SnapshotState.PENDING, 0,
                Optional.empty(), now, 0);
    }

    /**
     * The next version in state {@code next}; a completed snapshot is at 100%.
     *
     * @throws org.vbs.core.api.VbsException IncorrectState when the transition table forbids the move
     */
    public SnapshotRecord moveTo(SnapshotState next, Optional<String> reason, String operation) {
        state.requireMove(id, next, operation);
        int nextProgress = next == SnapshotState.COMPLETED ? 100 : progress;
        return new SnapshotRecord(id, owner, host, volumeId, volumeSizeGiB, description, next, nextProgress, reason,
                startTime, version + 1);
    }

    /**
     * The next version in {@code error} with this reason. A snapshot already in error only gets the
     * newer reason (staying in a state is not a move).
     */
    public SnapshotRecord markError(String reason, String operation) {
        if (state == SnapshotState.ERROR) {
            return new SnapshotRecord(id, owner, host, volumeId, volumeSizeGiB, description, state, progress,
                    Optional.of(reason), startTime, version + 1);
        }
        return moveTo(SnapshotState.ERROR, Optional.of(reason), operation);
    }

    /** The next version with a new progress figure (same state). */
    public SnapshotRecord withProgress(int percent) {
        return new SnapshotRecord(id, owner, host, volumeId, volumeSizeGiB, description, state, percent, stateReason,
                startTime, version + 1);
    }

    /**
     * The same snapshot, one version later: written by an operation that depends on the snapshot's
     * state without changing it (CreateVolume from it), so a concurrent DeleteSnapshot conflicts.
     */
    public SnapshotRecord touched() {
        return withProgress(progress);
    }

    public boolean isOwnedBy(String ownerDn) {
        return owner.equals(ownerDn);
    }

    public long volumeSizeBytes() {
        return volumeSizeGiB << 30;
    }

    public Snapshot toSnapshot() {
        return new Snapshot(id, owner, volumeId, volumeSizeGiB, description, state, progress, stateReason,
                startTime, version);
    }

    /** Serialized as its ProtoStream message (see {@link StoredMessage}). */
    @Serial
    private Object writeReplace() {
        return StoredMessage.of(this);
    }
}
