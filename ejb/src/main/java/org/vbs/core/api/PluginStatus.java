package org.vbs.core.api;

import java.util.List;
import java.util.Optional;
import org.vbs.security.GridIdentity;

/**
 * What an operator asks of the plugin host: every jar of the plugin directory with its OSGi state,
 * and why it is not active if it is not. For administrators only.
 */
public interface PluginStatus {

    /**
     * One jar of the plugin directory.
     *
     * @param file the jar's file name in the plugin directory
     * @param symbolicName the bundle's symbolic name; empty when the jar could not be installed
     * @param version the bundle's version; empty when the jar could not be installed
     * @param state the OSGi state ({@code INSTALLED}, {@code RESOLVED}, {@code ACTIVE}, ...), or
     *        {@code NOT_INSTALLED} when the framework refused the jar
     * @param problem why the bundle is not doing its job (install, resolve or start failure), if it is not
     */
    record Bundle(String file, Optional<String> symbolicName, Optional<String> version, String state,
                  Optional<String> problem) {
    }

    /**
     * @throws VbsException {@link ErrorCode#UNAUTHORIZED_OPERATION} when the caller is not an administrator
     */
    List<Bundle> bundles(GridIdentity caller);
}
