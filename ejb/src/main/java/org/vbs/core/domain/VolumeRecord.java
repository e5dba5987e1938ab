package org.vbs.core.domain;

import java.io.Serial;
import java.io.Serializable;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.vbs.core.api.Volume;
import org.vbs.core.api.VolumeState;
import org.vbs.core.store.proto.StoredMessage;

/**
 * A volume as the service keeps it in the replicated cache. Immutable: every change makes a new
 * record with {@code version + 1}, which the store writes with a compare-and-set on this one.
 *
 * <p>Stored as the ProtoStream message {@code vbs.metadata.VolumeRecord}: its field numbers and the
 * mapping (an absent Optional is an absent field) are in
 * {@link org.vbs.core.store.proto.VolumeRecordAdapter}. A new component here needs a new field there.
 *
 * @param owner the owner's DN (RFC 2253)
 * @param host the volume server holding the volume's storage
 * @param snapshotId the snapshot the volume is copied from, if any
 * @param stateReason why the volume is in {@code error}
 * @param clientToken the caller's idempotency token, kept so deleting the volume frees it
 * @param attachment where it is attached (from AttachVolume until DetachVolume finishes)
 */
public record VolumeRecord(String id, String owner, String host, long sizeGiB, Optional<String> snapshotId,
                           VolumeState state, Optional<String> stateReason, Instant createTime,
                           Map<String, String> tags, Optional<String> clientToken, Optional<Attachment> attachment,
                           long version)
        implements Serializable {

    public VolumeRecord {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(owner, "owner");
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(snapshotId, "snapshotId");
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(stateReason, "stateReason");
        Objects.requireNonNull(createTime, "createTime");
        Objects.requireNonNull(clientToken, "clientToken");
        Objects.requireNonNull(attachment, "attachment");
        tags = Map.copyOf(tags);
    }

    /** A new claim: {@code creating}, version 0. */
    public static VolumeRecord creating(String id, String owner, String host, long sizeGiB, Optional<String> snapshotId,
                                        Map<String, String> tags, Optional<String> clientToken, Instant now) {
        return new VolumeRecord(id, owner, host, sizeGiB, snapshotId, VolumeState.CREATING, Optional.empty(), now,
                tags, clientToken, Optional.empty(), 0);
    }

    /**
     * The next version in state {@code next}.
     *
     * @param reason why (kept for {@code error}; cleared otherwise)
     * @throws org.vbs.core.api.VbsException IncorrectState when the transition table forbids the move
     */
    public VolumeRecord moveTo(VolumeState next, Optional<String> reason, String operation) {
        state.requireMove(id, next, operation);
        return new VolumeRecord(id, owner, host, sizeGiB, snapshotId, next, reason, createTime, tags, clientToken,
                attachment, version + 1);
    }

    /**
     * The next version in state {@code next} with this attachment (or none).
     *
     * @throws org.vbs.core.api.VbsException IncorrectState when the transition table forbids the move
     */
    public VolumeRecord moveWithAttachment(VolumeState next, Optional<Attachment> nextAttachment, String operation) {
        state.requireMove(id, next, operation);
        return new VolumeRecord(id, owner, host, sizeGiB, snapshotId, next, Optional.empty(), createTime, tags,
                clientToken, nextAttachment, version + 1);
    }

    /**
     * The next version in {@code error} with this reason (keeping its attachment, so a forced detach can
     * clean up). A volume already in error only gets the newer reason.
     */
    public VolumeRecord markError(String reason, String operation) {
        if (state == VolumeState.ERROR) {
            return new VolumeRecord(id, owner, host, sizeGiB, snapshotId, state, Optional.of(reason), createTime, tags,
                    clientToken, attachment, version + 1);
        }
        return moveTo(VolumeState.ERROR, Optional.of(reason), operation);
    }

    /**
     * The same volume, one version later: written by an operation that depends on the volume's state
     * without changing it (CreateSnapshot), so a concurrent change of the volume conflicts with it.
     */
    public VolumeRecord touched() {
        return new VolumeRecord(id, owner, host, sizeGiB, snapshotId, state, stateReason, createTime, tags, clientToken,
                attachment, version + 1);
    }

    public boolean isOwnedBy(String ownerDn) {
        return owner.equals(ownerDn);
    }

    public long sizeBytes() {
        return sizeGiB << 30;
    }

    public Volume toVolume() {
        return new Volume(id, owner, sizeGiB, snapshotId, state, stateReason, createTime, tags,
                attachment.map(a -> a.toAttachment(id)), version);
    }

    /** Serialized as its ProtoStream message (see {@link StoredMessage}). */
    @Serial
    private Object writeReplace() {
        return StoredMessage.of(this);
    }
}
