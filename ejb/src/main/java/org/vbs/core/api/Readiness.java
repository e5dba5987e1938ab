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
}
