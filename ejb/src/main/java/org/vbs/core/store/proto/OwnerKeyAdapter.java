package org.vbs.core.store.proto;

import org.infinispan.protostream.annotations.ProtoAdapter;
import org.infinispan.protostream.annotations.ProtoFactory;
import org.infinispan.protostream.annotations.ProtoField;
import org.infinispan.protostream.annotations.ProtoName;
import org.vbs.core.domain.ResourceKind;
import org.vbs.core.store.OwnerKey;

/** The stored form of {@link OwnerKey} (a cache key): message {@code vbs.metadata.OwnerKey}. */
@ProtoAdapter(OwnerKey.class)
@ProtoName("OwnerKey")
public final class OwnerKeyAdapter {

    @ProtoFactory
    OwnerKey create(String owner, ResourceKind kind) {
        return new OwnerKey(owner, kind);
    }

    @ProtoField(number = 1)
    String getOwner(OwnerKey k) {
        return k.owner();
    }

    @ProtoField(number = 2)
    ResourceKind getKind(OwnerKey k) {
        return k.kind();
    }
}
