package org.vbs.core.service;

import java.util.Map;
import org.vbs.core.domain.ResourceKind;
import org.vbs.core.ops.OperationKind;
import org.vbs.core.ops.OperationRecord;
import org.vbs.core.ops.Step;

/** What the workflows' operations share. */
final class Operations {
    /** The apply of a plan's step 0: it ran in the transaction that started the operation. */
    static final Step.Action STARTED = operation -> {
        throw new IllegalStateException("step 0 of " + operation + " commits with its journal record");
    };

    private Operations() {
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
