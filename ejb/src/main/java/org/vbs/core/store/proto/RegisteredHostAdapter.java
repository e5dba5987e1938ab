package org.vbs.core.store.proto;

import java.util.ArrayList;
import java.util.List;
import org.infinispan.protostream.annotations.ProtoAdapter;
import org.infinispan.protostream.annotations.ProtoFactory;
import org.infinispan.protostream.annotations.ProtoField;
import org.infinispan.protostream.annotations.ProtoName;
import org.vbs.core.host.RegisteredHost;

/**
 * The stored form of {@link RegisteredHost}: message {@code vbs.metadata.RegisteredHost}, the host
 * file's keys and values as a repeated {@link Tag}, sorted by key.
 */
@ProtoAdapter(RegisteredHost.class)
@ProtoName("RegisteredHost")
public final class RegisteredHostAdapter {

    @ProtoFactory
    RegisteredHost create(String name, List<Tag> items) {
        return new RegisteredHost(name, Tag.mapOf(items));
    }

    @ProtoField(number = 1)
    String getName(RegisteredHost h) {
        return h.name();
    }

    @ProtoField(number = 2, collectionImplementation = ArrayList.class)
    List<Tag> getItems(RegisteredHost h) {
        return new ArrayList<>(Tag.listOf(h.items()));
    }
}
