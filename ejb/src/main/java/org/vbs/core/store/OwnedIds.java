package org.vbs.core.store;

import java.io.Serial;
import java.io.Serializable;
import java.util.Collection;
import java.util.Collections;
import java.util.NavigableSet;
import java.util.TreeSet;
import org.vbs.core.store.proto.StoredMessage;

/**
 * Value of the owner index: the ids one owner has of one kind, sorted (pagination walks them in
 * order). Immutable; a change is a new value written in the same transaction as the entity.
 * Stored as {@code vbs.metadata.OwnedIds} ({@link org.vbs.core.store.proto.OwnedIdsAdapter}).
 */
public record OwnedIds(NavigableSet<String> ids) implements Serializable {
    public static final OwnedIds NONE = new OwnedIds(new TreeSet<>());

    public OwnedIds {
        ids = Collections.unmodifiableNavigableSet(new TreeSet<>(ids));
    }

    public static OwnedIds of(Collection<String> ids) {
        return new OwnedIds(new TreeSet<>(ids));
    }

    public OwnedIds with(String id) {
        NavigableSet<String> next = new TreeSet<>(ids);
        next.add(id);
        return new OwnedIds(next);
    }

    public OwnedIds without(String id) {
        NavigableSet<String> next = new TreeSet<>(ids);
        next.remove(id);
        return new OwnedIds(next);
    }

    /** Serialized as its ProtoStream message (see {@link StoredMessage}). */
    @Serial
    private Object writeReplace() {
        return StoredMessage.of(this);
    }
}
