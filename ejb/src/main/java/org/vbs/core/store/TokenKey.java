package org.vbs.core.store;

import java.io.Serial;
import java.io.Serializable;
import java.util.Objects;
import org.vbs.core.store.proto.StoredMessage;

/**
 * Key of the client-token cache: a token is unique per owner, as in EC2. Stored as
 * {@code vbs.metadata.TokenKey} ({@link org.vbs.core.store.proto.TokenKeyAdapter}).
 */
public record TokenKey(String owner, String token) implements Serializable {
    public TokenKey {
        Objects.requireNonNull(owner, "owner");
        Objects.requireNonNull(token, "token");
    }

    /** Serialized as its ProtoStream message (see {@link StoredMessage}). */
    @Serial
    private Object writeReplace() {
        return StoredMessage.of(this);
    }
}
