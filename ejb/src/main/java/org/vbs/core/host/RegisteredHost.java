package org.vbs.core.host;

import java.io.Serial;
import java.io.Serializable;
import java.util.Map;
import java.util.Objects;
import org.vbs.core.store.proto.StoredMessage;

/**
 * A host as RegisterHost took it, shared by every node of the cluster (value of the replicated
 * {@code hosts} cache, keyed by name): its name and the keys and values of a host file, as the caller
 * gave them. Kept as those keys, not as a parsed {@link HostRegistration}, so every node checks them
 * with the parser it runs ({@link HostsDirectory#registration}), and a key a later version adds needs no
 * schema change. Stored as {@code vbs.metadata.RegisteredHost}
 * ({@link org.vbs.core.store.proto.RegisteredHostAdapter}).
 */
public record RegisteredHost(String name, Map<String, String> items) implements Serializable {
    public RegisteredHost {
        Objects.requireNonNull(name, "name");
        items = Map.copyOf(items);
    }

    /** Serialized as its ProtoStream message (see {@link StoredMessage}). */
    @Serial
    private Object writeReplace() {
        return StoredMessage.of(this);
    }
}
