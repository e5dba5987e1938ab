package org.vbs.core.api;

import java.util.List;

/**
 * What an operator asks of the plugin host: every bundle of the plugin directory with its OSGi
 * state, and why it is not active if it is not.
 */
public interface PluginStatus {

    record Bundle(String file, String symbolicName, String version, String state, java.util.Optional<String> problem)
            implements java.io.Serializable {
    }

    List<Bundle> bundles();
}
