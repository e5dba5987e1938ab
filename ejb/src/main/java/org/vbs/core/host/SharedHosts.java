package org.vbs.core.host;

import java.util.Map;

/**
 * The hosts every node of the cluster shares: what RegisterHost registered through any node, kept
 * in the replicated, persistent {@code hosts} cache until DeregisterHost removes it through any node.
 */
public interface SharedHosts {

    /**
     * Every shared registration, by name: the same map instance while they stay unchanged.
     *
     * @throws org.vbs.core.api.VbsException ServiceUnavailable on the minority side of a partition
     */
    Map<String, RegisteredHost> all();

    /** Adds a registration unless its name is taken (committed on every node when this returns). */
    boolean add(RegisteredHost host);

    /** Removes the registration if it is still exactly {@code host}: false when it is gone or changed. */
    boolean remove(RegisteredHost host);
}
