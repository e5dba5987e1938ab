package org.vbs.core.store.proto;

import java.util.ArrayList;
import java.util.List;
import org.infinispan.protostream.annotations.ProtoAdapter;
import org.infinispan.protostream.annotations.ProtoFactory;
import org.infinispan.protostream.annotations.ProtoField;
import org.infinispan.protostream.annotations.ProtoName;
import org.vbs.core.store.OwnedIds;

/**
 * The stored form of {@link OwnedIds}: message {@code vbs.metadata.OwnedIds}, the ids as a repeated
 * field in sorted order (an empty set is no field at all).
 */
@ProtoAdapter(OwnedIds.class)
@ProtoName("OwnedIds")
public final class OwnedIdsAdapter {

    @ProtoFactory
    OwnedIds create(List<String> ids) {
        return OwnedIds.of(ids);
    }

    @ProtoField(number = 1, collectionImplementation = ArrayList.class)
    List<String> getIds(OwnedIds o) {
        return new ArrayList<>(o.ids());
    }
}
