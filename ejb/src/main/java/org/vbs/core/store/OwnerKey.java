package org.vbs.core.store;

import java.io.Serializable;
import java.util.Objects;
import org.vbs.core.domain.ResourceKind;

/** Key of the owner index: whose ids, of which kind. */
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
}
