package org.vbs.core.store.proto;

import org.infinispan.protostream.annotations.ProtoAdapter;
import org.infinispan.protostream.annotations.ProtoEnumValue;
import org.infinispan.protostream.annotations.ProtoName;
import org.vbs.core.api.SnapshotState;

/**
 * {@link SnapshotState} as the proto enum {@code vbs.metadata.SnapshotState}: one constant per state, with the
 * Java name, IN THE JAVA ENUM'S ORDER (ProtoStream 6 maps adapter constants by position, whatever
 * their numbers: EnumAdaptersTest checks the order). The proto names carry a prefix because protobuf enum
 * values share their package's scope (VolumeState.ERROR and SnapshotState.ERROR would clash).
 */
@ProtoAdapter(SnapshotState.class)
@ProtoName("SnapshotState")
public enum SnapshotStateAdapter {
    @ProtoEnumValue(number = 1, name = "SNAPSHOT_STATE_PENDING") PENDING,
    @ProtoEnumValue(number = 2, name = "SNAPSHOT_STATE_COMPLETED") COMPLETED,
    @ProtoEnumValue(number = 3, name = "SNAPSHOT_STATE_ERROR") ERROR,
    @ProtoEnumValue(number = 4, name = "SNAPSHOT_STATE_DELETING") DELETING
}
