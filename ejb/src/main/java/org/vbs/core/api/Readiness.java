package org.vbs.core.api;

import java.util.List;

/**
 * Whether this node can take requests now, for a load balancer's health check: a node whose metadata
 * caches cannot be written (not started, or on the minority side of a partition) answers calls only
 * with faults, so the balancer should send them elsewhere.
 */
public interface Readiness {

    /** What keeps this node from serving; empty when it is ready. */
    List<String> problems();

    /**
     * What the cluster is still settling while this node serves: a rebalance after a member came or
     * went, or the resolution of conflicts after a merge. Nothing for a balancer to act on; until it
     * ends, the caches still count the members of the view before the change, so one more failure
     * then can leave even the larger side without a majority.
     */
    List<String> settling();
}
