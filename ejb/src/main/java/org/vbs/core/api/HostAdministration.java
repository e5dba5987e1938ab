package org.vbs.core.api;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What an operator does with the registered volume servers and hypervisor hosts: register one, list
 * them, deregister one. A registration is what a host file ({@code $VBS_HOME/hosts/<name>.properties})
 * holds; RegisterHost registers it for every node of the cluster (the replicated metadata, so a restart
 * of every node keeps it), while a node's own host files stay that node's. For administrators only.
 */
public interface HostAdministration {

    /**
     * One registered host as an operator sees it. Never a secret: a driver property whose plugin
     * marks it secret, or cannot tell (its plugin is not running), is shown as {@link #HIDDEN}.
     *
     * @param transport {@code local} or {@code ssh}
     * @param drivers the driver id by kind ({@code volume}, {@code export}, {@code hypervisor})
     * @param properties every other key of the host's file ({@code ssh.user}, {@code volume.pool}, ...)
     * @param problems why a driver does not work now, by kind, or under {@code registration} why this node
     *        does not use the host at all; empty when every driver works
     */
    record Host(String name, String transport, String address, Map<String, String> drivers,
                Map<String, String> properties, Map<String, String> problems) {
        public static final String HIDDEN = "(hidden)";

        public Host {
            drivers = Map.copyOf(drivers);
            properties = Map.copyOf(properties);
            problems = Map.copyOf(problems);
        }
    }

    /**
     * Registers a host from the keys and values of a host file, for every node of the cluster, used at once.
     *
     * @throws VbsException UnauthorizedOperation for a caller who is not an administrator;
     *         InvalidParameterValue naming the key that is unknown or has a bad value (nothing written);
     *         InvalidHost.Duplicate when the cluster has a host of that name or this node a host file
     */
    Host registerHost(RequestContext request, String name, Map<String, String> items);

    /**
     * @param names only these hosts (all when empty)
     * @throws VbsException UnauthorizedOperation; InvalidHost.NotFound for a name not registered
     */
    List<Host> describeHosts(RequestContext request, Set<String> names);

    /**
     * Deregisters a host: the cluster's registration is removed for every node, this node's host file of
     * that name (if any) deleted, and its drivers closed.
     *
     * @throws VbsException UnauthorizedOperation; InvalidHost.NotFound; IncorrectState while a volume
     *         or snapshot is kept on it or a volume is attached through it
     */
    void deregisterHost(RequestContext request, String name);

}
