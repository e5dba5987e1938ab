package org.vbs.core.store.proto;

import java.util.List;
import org.infinispan.protostream.annotations.ProtoFactory;
import org.infinispan.protostream.annotations.ProtoField;
import org.infinispan.protostream.annotations.ProtoName;
import org.vbs.core.api.VolumeState;

/**
 * Test only: the volume message as an older VBS would have written it, before field 9
 * ({@code clientToken}) was added. Same field numbers as {@code vbs.metadata.VolumeRecord} for
 * every field it has; its own proto package, so both fit in one serialization context.
 */
@ProtoName("VolumeRecord")
public record VolumeRecordV1(@ProtoField(number = 1) String id,
                             @ProtoField(number = 2) String owner,
                             @ProtoField(number = 3, defaultValue = "0") long sizeGiB,
                             @ProtoField(number = 4) String snapshotId,
                             @ProtoField(number = 5) VolumeState state,
                             @ProtoField(number = 6) String stateReason,
                             @ProtoField(number = 7) Timestamp createTime,
                             @ProtoField(number = 8) List<Tag> tags,
                             @ProtoField(number = 10, defaultValue = "0") long version) {

    @ProtoFactory
    public VolumeRecordV1 {
        tags = List.copyOf(tags);
    }
}
