package org.vbs.core.store.proto;

import org.infinispan.protostream.annotations.ProtoAdapter;
import org.infinispan.protostream.annotations.ProtoFactory;
import org.infinispan.protostream.annotations.ProtoField;
import org.infinispan.protostream.annotations.ProtoName;
import org.vbs.core.store.TokenKey;

/** The stored form of {@link TokenKey} (a cache key): message {@code vbs.metadata.TokenKey}. */
@ProtoAdapter(TokenKey.class)
@ProtoName("TokenKey")
public final class TokenKeyAdapter {

    @ProtoFactory
    TokenKey create(String owner, String token) {
        return new TokenKey(owner, token);
    }

    @ProtoField(number = 1)
    String getOwner(TokenKey k) {
        return k.owner();
    }

    @ProtoField(number = 2)
    String getToken(TokenKey k) {
        return k.token();
    }
}
