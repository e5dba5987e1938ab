package org.vbs.core.store.proto;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.infinispan.protostream.annotations.ProtoAdapter;
import org.infinispan.protostream.annotations.ProtoFactory;
import org.infinispan.protostream.annotations.ProtoField;
import org.infinispan.protostream.annotations.ProtoName;
import org.vbs.core.api.VolumeState;
import org.vbs.core.domain.Attachment;
import org.vbs.core.domain.VolumeRecord;

/**
 * The stored form of {@link VolumeRecord}: message {@code vbs.metadata.VolumeRecord}. An absent
 * {@link Optional} is an absent field (null here). Field numbers are forever: see package-info.
 */
@ProtoAdapter(VolumeRecord.class)
@ProtoName("VolumeRecord")
public final class VolumeRecordAdapter {
    /** A record from before volume servers were registered: its storage is on the service's own host. */
    static final String HOST_BEFORE_0_2 = "local";

    @ProtoFactory
    VolumeRecord create(String id, String owner, long sizeGiB, String snapshotId, VolumeState state,
                        String stateReason, Timestamp createTime, List<Tag> tags, String clientToken,
                        long version, String host, Attachment attachment) {
        return new VolumeRecord(id, owner, host == null ? HOST_BEFORE_0_2 : host, sizeGiB,
                Optional.ofNullable(snapshotId), state, Optional.ofNullable(stateReason),
                Objects.requireNonNull(createTime, "createTime").toInstant(), Tag.mapOf(tags),
                Optional.ofNullable(clientToken), Optional.ofNullable(attachment), version);
    }

    @ProtoField(number = 1)
    String getId(VolumeRecord r) {
        return r.id();
    }

    @ProtoField(number = 2)
    String getOwner(VolumeRecord r) {
        return r.owner();
    }

    @ProtoField(number = 3, defaultValue = "0")
    long getSizeGiB(VolumeRecord r) {
        return r.sizeGiB();
    }

    @ProtoField(number = 4)
    String getSnapshotId(VolumeRecord r) {
        return r.snapshotId().orElse(null);
    }

    @ProtoField(number = 5)
    VolumeState getState(VolumeRecord r) {
        return r.state();
    }

    @ProtoField(number = 6)
    String getStateReason(VolumeRecord r) {
        return r.stateReason().orElse(null);
    }

    @ProtoField(number = 7)
    Timestamp getCreateTime(VolumeRecord r) {
        return Timestamp.of(r.createTime());
    }

    /** Sorted by key, so equal records always marshal to equal bytes. */
    @ProtoField(number = 8, collectionImplementation = ArrayList.class)
    List<Tag> getTags(VolumeRecord r) {
        return Tag.listOf(r.tags());
    }

    @ProtoField(number = 9)
    String getClientToken(VolumeRecord r) {
        return r.clientToken().orElse(null);
    }

    @ProtoField(number = 10, defaultValue = "0")
    long getVersion(VolumeRecord r) {
        return r.version();
    }

    /** Added in 0.2.0 (volume servers); absent in older records: {@value #HOST_BEFORE_0_2}. */
    @ProtoField(number = 11)
    String getHost(VolumeRecord r) {
        return r.host();
    }

    /** Added in 0.2.0 (attachments); absent when the volume is not attached. */
    @ProtoField(number = 12)
    Attachment getAttachment(VolumeRecord r) {
        return r.attachment().orElse(null);
    }
}
