package org.vbs.core.store.proto;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.vbs.core.api.SnapshotState;
import org.vbs.core.api.VolumeAttachment;
import org.vbs.core.api.VolumeState;
import org.vbs.core.domain.ResourceKind;
import org.vbs.core.ops.OperationKind;
import org.vbs.core.ops.OperationRecord;

/**
 * ProtoStream 6 maps an adapter enum's constants to the Java enum's by position, whatever their proto
 * numbers: an adapter constant out of the Java order would store one state and read back another.
 */
class EnumAdaptersTest {
    @Test
    void shouldListEveryConstantInTheJavaEnumsOrder() {
        Map<Class<?>, Class<?>> adapters = Map.of(
                VolumeState.class, VolumeStateAdapter.class,
                SnapshotState.class, SnapshotStateAdapter.class,
                ResourceKind.class, ResourceKindAdapter.class,
                VolumeAttachment.Status.class, AttachmentStatusAdapter.class,
                OperationKind.class, OperationKindAdapter.class,
                OperationRecord.Phase.class, OperationPhaseAdapter.class);
        adapters.forEach((java, adapter) -> assertEquals(names(java), names(adapter), adapter.getSimpleName()));
    }

    private static java.util.List<String> names(Class<?> enumType) {
        return Stream.of(enumType.getEnumConstants()).map(c -> ((Enum<?>) c).name()).toList();
    }
}
