package org.vbs.core.store;

import java.io.Serial;
import java.io.Serializable;
import java.util.Objects;
import org.vbs.core.store.proto.StoredMessage;

/**
 * Value of the client-token cache: the volume a CreateVolume with this token made, and a
 * fingerprint of that call's parameters (a retry must carry the same ones). Stored as
 * {@code vbs.metadata.TokenEntry} ({@link org.vbs.core.store.proto.TokenEntryAdapter}).
 */
public record TokenEntry(String volumeId, String fingerprint) implements Serializable {
    public TokenEntry {
        Objects.requireNonNull(volumeId, "volumeId");
        Objects.requireNonNull(fingerprint, "fingerprint");
    }

    /** Serialized as its ProtoStream message (see {@link StoredMessage}). */
    @Serial
    private Object writeReplace() {
        return StoredMessage.of(this);
    }
}
