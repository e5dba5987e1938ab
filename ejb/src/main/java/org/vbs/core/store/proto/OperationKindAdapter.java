package org.vbs.core.store.proto;

import org.infinispan.protostream.annotations.ProtoAdapter;
import org.infinispan.protostream.annotations.ProtoEnumValue;
import org.infinispan.protostream.annotations.ProtoName;
import org.vbs.core.ops.OperationKind;

/** {@link OperationKind} as the proto enum {@code vbs.metadata.OperationKind}. */
@ProtoAdapter(OperationKind.class)
@ProtoName("OperationKind")
public enum OperationKindAdapter {
    @ProtoEnumValue(number = 1, name = "OPERATION_KIND_CREATE_VOLUME") CREATE_VOLUME,
    @ProtoEnumValue(number = 2, name = "OPERATION_KIND_CREATE_VOLUME_FROM_SNAPSHOT") CREATE_VOLUME_FROM_SNAPSHOT,
    @ProtoEnumValue(number = 3, name = "OPERATION_KIND_DELETE_VOLUME") DELETE_VOLUME,
    @ProtoEnumValue(number = 4, name = "OPERATION_KIND_CREATE_SNAPSHOT") CREATE_SNAPSHOT,
    @ProtoEnumValue(number = 5, name = "OPERATION_KIND_DELETE_SNAPSHOT") DELETE_SNAPSHOT,
    @ProtoEnumValue(number = 6, name = "OPERATION_KIND_ATTACH_VOLUME") ATTACH_VOLUME,
    @ProtoEnumValue(number = 7, name = "OPERATION_KIND_DETACH_VOLUME") DETACH_VOLUME
}
