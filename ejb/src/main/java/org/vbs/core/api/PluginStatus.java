package org.vbs.core.api;

import java.util.List;
import java.util.Optional;

/**
 * What an operator asks of the plugin host: every jar of the plugin directory with its OSGi state,
 * the drivers it provides, and why it is not active if it is not (including a jar refused for its
 * signature). Live: it follows jars added, replaced and removed while the service runs. For
 * administrators only.
 */
public interface PluginStatus {

    /**
     * One jar of the plugin directory.
     *
     * @param file the jar's file name in the plugin directory
     * @param symbolicName the bundle's symbolic name; empty when the jar could not be installed
     * @param version the bundle's version; empty when the jar could not be installed
     * @param state the OSGi state ({@code INSTALLED}, {@code RESOLVED}, {@code ACTIVE}, ...),
     *        {@code REFUSED} when its signature was not accepted (it was never installed), or
     *        {@code NOT_INSTALLED} when the framework refused the jar
     * @param problem why the bundle is not doing its job (signature refused, install, resolve or
     *        start failure, a replacement refused), if it is not
     * @param drivers the driver factories the bundle has registered now
     */
    record Bundle(String file, Optional<String> symbolicName, Optional<String> version, String state,
                  Optional<String> problem, List<Driver> drivers) {
        public Bundle {
            drivers = List.copyOf(drivers);
        }
    }

    /**
     * One driver a bundle provides.
     *
     * @param kind {@code volume}, {@code export} or {@code hypervisor} (the key prefix in a host file)
     * @param id the driver id a host registration names, e.g. {@code file}
     */
    record Driver(String kind, String id) {
    }

    /**
     * @throws VbsException {@link ErrorCode#UNAUTHORIZED_OPERATION} when the caller is not an administrator
     */
    List<Bundle> bundles(RequestContext request);
}
