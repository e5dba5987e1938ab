package org.vbs.core.store.proto;

import java.util.Objects;
import java.util.Optional;
import org.infinispan.protostream.annotations.ProtoAdapter;
import org.infinispan.protostream.annotations.ProtoFactory;
import org.infinispan.protostream.annotations.ProtoField;
import org.infinispan.protostream.annotations.ProtoName;
import org.vbs.core.api.SnapshotState;
import org.vbs.core.domain.SnapshotRecord;

/**
 * The stored form of {@link SnapshotRecord}: message {@code vbs.metadata.SnapshotRecord}. An absent
 * reason is an absent field (null here). Field numbers are forever: see package-info.
 */
@ProtoAdapter(SnapshotRecord.class)
@ProtoName("SnapshotRecord")
public final class SnapshotRecordAdapter {

    @ProtoFactory
    SnapshotRecord create(String id, String owner, String volumeId, long volumeSizeGiB, String description,
                          SnapshotState state, int progress, String stateReason, Timestamp startTime,
                          long version, String host) {
        return new SnapshotRecord(id, owner, host == null ? VolumeRecordAdapter.HOST_BEFORE_0_2 : host, volumeId,
                volumeSizeGiB, description, state, progress, Optional.ofNullable(stateReason),
                Objects.requireNonNull(startTime, "startTime").toInstant(), version);
    }

    /** Added in 0.2.0 (volume servers): its volume's; absent in older records (the service's own host). */
    @ProtoField(number = 11)
    String getHost(SnapshotRecord r) {
        return r.host();
    }

    @ProtoField(number = 1)
    String getId(SnapshotRecord r) {
        return r.id();
    }

    @ProtoField(number = 2)
    String getOwner(SnapshotRecord r) {
        return r.owner();
    }

    @ProtoField(number = 3)
    String getVolumeId(SnapshotRecord r) {
        return r.volumeId();
    }

    @ProtoField(number = 4, defaultValue = "0")
    long getVolumeSizeGiB(SnapshotRecord r) {
        return r.volumeSizeGiB();
    }

    @ProtoField(number = 5)
    String getDescription(SnapshotRecord r) {
        return r.description();
    }

    @ProtoField(number = 6)
    SnapshotState getState(SnapshotRecord r) {
        return r.state();
    }

    @ProtoField(number = 7, defaultValue = "0")
    int getProgress(SnapshotRecord r) {
        return r.progress();
    }

    @ProtoField(number = 8)
    String getStateReason(SnapshotRecord r) {
        return r.stateReason().orElse(null);
    }

    @ProtoField(number = 9)
    Timestamp getStartTime(SnapshotRecord r) {
        return Timestamp.of(r.startTime());
    }

    @ProtoField(number = 10, defaultValue = "0")
    long getVersion(SnapshotRecord r) {
        return r.version();
    }
}
