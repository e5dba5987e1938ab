package org.vbs.core.store.proto;

import org.infinispan.protostream.annotations.ProtoAdapter;
import org.infinispan.protostream.annotations.ProtoEnumValue;
import org.infinispan.protostream.annotations.ProtoName;
import org.vbs.core.domain.ResourceKind;

/**
 * {@link ResourceKind} as the proto enum {@code vbs.metadata.ResourceKind}: one constant per kind, with the
 * Java name, IN THE JAVA ENUM'S ORDER (ProtoStream 6 maps adapter constants by position, whatever
 * their numbers: EnumAdaptersTest checks the order). The proto names carry a prefix because protobuf enum
 * values share their package's scope (VolumeState.ERROR and SnapshotState.ERROR would clash).
 */
@ProtoAdapter(ResourceKind.class)
@ProtoName("ResourceKind")
public enum ResourceKindAdapter {
    @ProtoEnumValue(number = 1, name = "RESOURCE_KIND_VOLUME") VOLUME,
    @ProtoEnumValue(number = 2, name = "RESOURCE_KIND_SNAPSHOT") SNAPSHOT,
    @ProtoEnumValue(number = 3, name = "RESOURCE_KIND_OPERATION") OPERATION
}
