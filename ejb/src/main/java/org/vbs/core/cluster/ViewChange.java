package org.vbs.core.cluster;

import org.infinispan.commons.TimeoutException;
import org.infinispan.remoting.transport.jgroups.SuspectException;
import org.infinispan.statetransfer.OutdatedTopologyException;
import org.vbs.core.api.ErrorCode;
import org.vbs.core.api.VbsException;
import org.vbs.core.domain.Causes;

/**
 * What a node answers when a replicated write could not be made because the cluster's membership is
 * changing: for some seconds after a node stops answering (until it is suspected and the view
 * changes), or while a new view's caches rebalance, a write waits for every member, and times out or
 * finds a member gone. The cluster settles by itself, so the caller is told to retry (on this or
 * another node), not that something inside failed.
 */
public final class ViewChange {
    static final String MESSAGE = "The cluster is changing its members (a node left, joined or does not answer),"
            + " and this node could not record the request in time; nothing was changed. Retry, on this or"
            + " another node of the cluster.";

    private ViewChange() {
    }

    /** Whether the failure is (or was caused by) a replicated write that a change of members interrupted. */
    public static boolean causedBy(Throwable failure) {
        return Causes.anyOf(failure, cause -> cause instanceof TimeoutException || cause instanceof SuspectException
                || cause instanceof OutdatedTopologyException);
    }

    /** The caller's answer: ServiceUnavailable, retriable. */
    public static VbsException refusal(Throwable cause) {
        return new VbsException(ErrorCode.SERVICE_UNAVAILABLE, MESSAGE, cause);
    }
}
