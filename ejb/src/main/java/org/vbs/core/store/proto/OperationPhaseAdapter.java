package org.vbs.core.store.proto;

import org.infinispan.protostream.annotations.ProtoAdapter;
import org.infinispan.protostream.annotations.ProtoEnumValue;
import org.infinispan.protostream.annotations.ProtoName;
import org.vbs.core.ops.OperationRecord;

/** {@link OperationRecord.Phase} as the proto enum {@code vbs.metadata.OperationPhase}. */
@ProtoAdapter(OperationRecord.Phase.class)
@ProtoName("OperationPhase")
public enum OperationPhaseAdapter {
    @ProtoEnumValue(number = 1, name = "OPERATION_PHASE_RUNNING") RUNNING,
    @ProtoEnumValue(number = 2, name = "OPERATION_PHASE_ROLLING_BACK") ROLLING_BACK
}
