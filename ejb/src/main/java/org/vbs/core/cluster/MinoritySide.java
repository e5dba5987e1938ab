package org.vbs.core.cluster;

import org.infinispan.partitionhandling.AvailabilityException;
import org.vbs.core.api.ErrorCode;
import org.vbs.core.api.VbsException;
import org.vbs.core.domain.Causes;

/**
 * What a node on the minority side of a network partition answers: its metadata caches refuse every
 * read and write (partition handling DENY_READ_WRITES, see 20-infinispan.cli) until it has merged
 * with the majority again, and the caller is told so, with what to do, instead of an InternalError.
 */
public final class MinoritySide {
    static final String MESSAGE = "This node cannot reach a majority of the cluster, so it refuses the request to"
            + " keep the cluster consistent; nothing was changed. Retry later, or call another node of the cluster.";

    private MinoritySide() {
    }

    /** Whether the failure is (or was caused by) a cache refusing because this node is on a minority side. */
    public static boolean causedBy(Throwable failure) {
        return Causes.anyOf(failure, AvailabilityException.class::isInstance);
    }

    /** The caller's fault: ServiceUnavailable, retriable. */
    public static VbsException refusal(Throwable cause) {
        return new VbsException(ErrorCode.SERVICE_UNAVAILABLE, MESSAGE, cause);
    }

    /** The same when no cache has refused yet (the node already knows it is on a minority side). */
    public static VbsException refusal() {
        return new VbsException(ErrorCode.SERVICE_UNAVAILABLE, MESSAGE);
    }
}
