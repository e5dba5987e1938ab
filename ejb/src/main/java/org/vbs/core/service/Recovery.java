package org.vbs.core.service;

import java.util.List;
import java.util.concurrent.Executor;
import org.jboss.logging.Logger;
import org.vbs.core.ops.OperationRecord;

/**
 * At start-up: hands every journalled operation that this node ran before it stopped, or whose lease
 * has expired (its node is gone), to the step runner to resume or roll back. An operation another
 * live node holds is left alone. Recovery runs on the executor, so a resumed copy does not hold up
 * the start.
 */
final class Recovery {
    private static final Logger LOG = Logger.getLogger(Recovery.class);

    private Recovery() {
    }

    /** @return the operations handed over */
    static List<OperationRecord> start(CoreContext core, Executor executor) {
        List<OperationRecord> interrupted = core.store().allOperations().stream()
                .filter(op -> op.node().equals(core.runner().node()) || op.leaseExpiredAt(core.clock().instant()))
                .toList();
        for (OperationRecord operation : interrupted) {
            executor.execute(() -> {
                try {
                    core.runner().recover(operation);
                } catch (RuntimeException e) {
                    LOG.errorf(e, "%s: recovery failed; it is tried again at the next start", operation);
                }
            });
        }
        LOG.infof("Recovery: %d interrupted operation(s) to resume or roll back", interrupted.size());
        return interrupted;
    }
}
