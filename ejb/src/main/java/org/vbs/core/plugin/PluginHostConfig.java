package org.vbs.core.plugin;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import org.vbs.core.config.VbsHome;

/**
 * How the plugin host is set up.
 *
 * @param storageDir Felix's bundle cache (cleaned when the framework first starts); jars are
 *        verified in a copy in {@code <storageDir>-staging} beside it
 * @param pluginDir the directory whose {@code *.jar} bundles are installed and started, watched while running
 * @param trustDir the plugin trust store: the PEM certificates trusted to sign bundles
 * @param pollInterval how often the plugin directory is looked at; a jar is taken once two looks agree
 */
public record PluginHostConfig(Path storageDir, Path pluginDir, Path trustDir, Duration pollInterval) {
    public static final String PLUGIN_DIR_PROPERTY = "vbs.plugin.dir";
    public static final String TRUST_DIR_PROPERTY = "vbs.plugin.trust.dir";
    public static final Duration DEFAULT_POLL_INTERVAL = Duration.ofMillis(500);

    public PluginHostConfig {
        Objects.requireNonNull(storageDir, "storageDir");
        Objects.requireNonNull(pluginDir, "pluginDir");
        Objects.requireNonNull(trustDir, "trustDir");
        if (pollInterval.isNegative() || pollInterval.isZero()) {
            throw new IllegalArgumentException("the poll interval must be positive, not " + pollInterval);
        }
    }

    /**
     * Inside WildFly: storage under {@code jboss.server.data.dir}, the plugin directory and the trust
     * store from system properties (defaults {@code ${vbs.home}/plugins} and {@code ${vbs.home}/plugin-trust}).
     */
    public static PluginHostConfig fromSystemProperties() {
        String dataDir = System.getProperty("jboss.server.data.dir");
        if (dataDir == null) {
            throw new IllegalStateException("system property jboss.server.data.dir is not set: not inside WildFly?");
        }
        return new PluginHostConfig(Path.of(dataDir, "felix"), VbsHome.property(PLUGIN_DIR_PROPERTY, "plugins"),
                VbsHome.property(TRUST_DIR_PROPERTY, "plugin-trust"), DEFAULT_POLL_INTERVAL);
    }
}
