package org.vbs.core.plugin;

import java.nio.file.Path;
import java.util.Objects;
import org.vbs.core.config.VbsHome;

/**
 * How the plugin host is set up.
 *
 * @param storageDir Felix's bundle cache (cleaned when the framework first starts)
 * @param pluginDir the directory whose {@code *.jar} bundles are installed and started
 */
public record PluginHostConfig(Path storageDir, Path pluginDir) {
    public static final String PLUGIN_DIR_PROPERTY = "vbs.plugin.dir";

    public PluginHostConfig {
        Objects.requireNonNull(storageDir, "storageDir");
        Objects.requireNonNull(pluginDir, "pluginDir");
    }

    /** Inside WildFly: storage under {@code jboss.server.data.dir}, the plugin directory from a system property. */
    public static PluginHostConfig fromSystemProperties() {
        String dataDir = System.getProperty("jboss.server.data.dir");
        if (dataDir == null) {
            throw new IllegalStateException("system property jboss.server.data.dir is not set: not inside WildFly?");
        }
        return new PluginHostConfig(Path.of(dataDir, "felix"), VbsHome.property(PLUGIN_DIR_PROPERTY, "plugins"));
    }
}
