package org.vbs.core.store.proto;

import org.infinispan.protostream.annotations.ProtoAdapter;
import org.infinispan.protostream.annotations.ProtoFactory;
import org.infinispan.protostream.annotations.ProtoField;
import org.infinispan.protostream.annotations.ProtoName;
import org.vbs.core.store.TokenEntry;

/** The stored form of {@link TokenEntry}: message {@code vbs.metadata.TokenEntry}. */
@ProtoAdapter(TokenEntry.class)
@ProtoName("TokenEntry")
public final class TokenEntryAdapter {

    @ProtoFactory
    TokenEntry create(String volumeId, String fingerprint) {
        return new TokenEntry(volumeId, fingerprint);
    }

    @ProtoField(number = 1)
    String getVolumeId(TokenEntry e) {
        return e.volumeId();
    }

    @ProtoField(number = 2)
    String getFingerprint(TokenEntry e) {
        return e.fingerprint();
    }
}
