package org.vbs.core.service;

import java.util.Map;
import java.util.Optional;
import org.vbs.core.api.SnapshotState;
import org.vbs.core.api.VolumeState;
import org.vbs.core.domain.ResourceKind;
import org.vbs.core.ops.OperationKind;
import org.vbs.core.ops.OperationRecord;
import org.vbs.core.ops.Plan;
import org.vbs.core.ops.Step;

/** What the workflows' operations share. */
final class Operations {
    /** The apply of a plan's step 0: it ran in the transaction that started the operation. */
    static final Step.Action STARTED = operation -> {
        throw new IllegalStateException("step 0 of " + operation + " commits with its journal record");
    };

    private Operations() {
    }

    /** The claim of an operation whose step 0 put volume {@code volumeId} in {@code state}. */
    static Plan.Claim volumeIn(CoreContext core, String volumeId, VolumeState state) {
        return operation -> core.store().volume(volumeId)
                .map(volume -> volume.state() == state ? Optional.<String>empty()
                        : Optional.of(volumeId + " is " + volume.state().wireName() + ", not " + state.wireName()))
                .orElseGet(() -> Optional.of(volumeId + " is gone"));
    }

    /** The claim of an operation whose step 0 put snapshot {@code snapshotId} in {@code state}. */
    static Plan.Claim snapshotIn(CoreContext core, String snapshotId, SnapshotState state) {
        return operation -> core.store().snapshot(snapshotId)
                .map(snapshot -> snapshot.state() == state ? Optional.<String>empty()
                        : Optional.of(snapshotId + " is " + snapshot.state().wireName() + ", not " + state.wireName()))
                .orElseGet(() -> Optional.of(snapshotId + " is gone"));
    }

    /** Inserts the journal record of an operation started in the current transaction (by its step 0). */
    static OperationRecord journal(CoreContext core, OperationKind kind, String resourceId, String owner,
                                   Map<String, String> parameters) {
        OperationRecord operation;
        do {
            operation = OperationRecord.started(core.ids().next(ResourceKind.OPERATION), kind, resourceId, owner,
                    core.runner().node(), core.runner().leaseFromNow(), parameters);
        } while (!core.store().insertOperation(operation));
        return operation;
    }
}
