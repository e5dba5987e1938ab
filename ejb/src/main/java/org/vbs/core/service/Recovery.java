package org.vbs.core.service;

import java.util.List;
import java.util.concurrent.Executor;
import java.util.function.Predicate;
import org.jboss.logging.Logger;
import org.vbs.core.ops.OperationRecord;

/**
 * Hands journalled operations that no live node is running to the step runner, to resume or roll
 * back. At start-up (at the first takeover look once this node's copies of the metadata were scanned):
 * every operation this node ran before it stopped, and every one whose lease has expired. Then
 * periodically: every one whose lease has expired (its node died, was cut off or froze past its lease)
 * that this node is not running itself. An operation another live node holds is left
 * alone. Recovery runs on the executor, so a resumed copy holds up neither the start nor the next scan.
 */
final class Recovery {
    private static final Logger LOG = Logger.getLogger(Recovery.class);

    private Recovery() {
    }

    /** @return the operations handed over */
    static List<OperationRecord> start(CoreContext core, Executor executor) {
        List<OperationRecord> interrupted = handOver(core, core.store().allOperations(), executor,
                op -> op.node().equals(core.runner().node()) || op.leaseExpiredAt(core.clock().instant()));
        LOG.infof("Recovery: %d interrupted operation(s) to resume or roll back", interrupted.size());
        return interrupted;
    }

    /**
     * @param journal the journal as the takeover look read it
     * @return the operations handed over
     */
    static List<OperationRecord> takeOverExpired(CoreContext core, List<OperationRecord> journal, Executor executor) {
        List<OperationRecord> expired;
        try {
            expired = handOver(core, journal, executor, op -> op.leaseExpiredAt(core.clock().instant())
                    && !core.runner().isRunningHere(op.id()));
        } catch (RuntimeException e) {
            LOG.warnf("Takeover: could not hand the expired operations over (%s); trying again at the next scan",
                    e.toString());
            return List.of();
        }
        if (!expired.isEmpty()) {
            LOG.warnf("Takeover: %d operation(s) whose lease expired to resume or roll back: %s", expired.size(),
                    expired);
        }
        return expired;
    }

    private static List<OperationRecord> handOver(CoreContext core, List<OperationRecord> journal, Executor executor,
                                                  Predicate<OperationRecord> orphaned) {
        List<OperationRecord> found = journal.stream().filter(orphaned).toList();
        for (OperationRecord operation : found) {
            executor.execute(() -> {
                try {
                    core.runner().recover(operation);
                } catch (RuntimeException e) {
                    LOG.errorf(e, "%s: recovery failed; it is tried again once its lease expires", operation);
                }
            });
        }
        return found;
    }
}
