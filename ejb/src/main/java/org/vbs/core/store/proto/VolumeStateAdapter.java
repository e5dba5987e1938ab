package org.vbs.core.store.proto;

import org.infinispan.protostream.annotations.ProtoAdapter;
import org.infinispan.protostream.annotations.ProtoEnumValue;
import org.infinispan.protostream.annotations.ProtoName;
import org.vbs.core.api.VolumeState;

/**
 * {@link VolumeState} as the proto enum {@code vbs.metadata.VolumeState}: one constant per state, with the
 * Java name, IN THE JAVA ENUM'S ORDER (ProtoStream 6 maps adapter constants by position, whatever
 * their numbers: EnumAdaptersTest checks the order). The proto names carry a prefix because protobuf enum
 * values share their package's scope (VolumeState.ERROR and SnapshotState.ERROR would clash).
 */
@ProtoAdapter(VolumeState.class)
@ProtoName("VolumeState")
public enum VolumeStateAdapter {
    @ProtoEnumValue(number = 1, name = "VOLUME_STATE_CREATING") CREATING,
    @ProtoEnumValue(number = 2, name = "VOLUME_STATE_AVAILABLE") AVAILABLE,
    @ProtoEnumValue(number = 3, name = "VOLUME_STATE_DELETING") DELETING,
    @ProtoEnumValue(number = 6, name = "VOLUME_STATE_ATTACHING") ATTACHING,
    @ProtoEnumValue(number = 7, name = "VOLUME_STATE_IN_USE") IN_USE,
    @ProtoEnumValue(number = 8, name = "VOLUME_STATE_DETACHING") DETACHING,
    @ProtoEnumValue(number = 4, name = "VOLUME_STATE_DELETED") DELETED,
    @ProtoEnumValue(number = 5, name = "VOLUME_STATE_ERROR") ERROR
}
