package org.vbs.core.store;

import java.io.Serial;
import java.io.Serializable;
import java.util.Objects;
import org.vbs.core.domain.ResourceKind;
import org.vbs.core.store.proto.StoredMessage;

/**
 * Key of the owner index: whose ids, of which kind. Stored as {@code vbs.metadata.OwnerKey}
 * ({@link org.vbs.core.store.proto.OwnerKeyAdapter}).
 */
public record OwnerKey(String owner, ResourceKind kind) implements Serializable {
    public OwnerKey {
        Objects.requireNonNull(owner, "owner");
        Objects.requireNonNull(kind, "kind");
    }

    /** Stable across JVMs and class loaders: an enum's own hashCode is its identity. */
    @Override
    public int hashCode() {
        return Objects.hash(owner, kind.name());
    }

    /** Serialized as its ProtoStream message (see {@link StoredMessage}). */
    @Serial
    private Object writeReplace() {
        return StoredMessage.of(this);
    }
}
