package org.vbs.core.plugin;

import java.nio.file.Path;
import java.util.Objects;
import java.util.regex.Pattern;
import org.vbs.core.config.VbsHome;

/**
 * How the plugin host is set up.
 *
 * @param storageDir Felix's bundle cache (cleaned when the framework first starts)
 * @param pluginDir the directory whose {@code *.jar} bundles are installed and started at boot
 * @param volumePool the file driver's pool, handed to bundles as framework property
 *        {@value #VOLUME_POOL_PROPERTY}
 * @param driverName the {@code vbs.driver.name} of the volume driver the service uses
 */
public record PluginHostConfig(Path storageDir, Path pluginDir, Path volumePool, String driverName) {
    public static final String PLUGIN_DIR_PROPERTY = "vbs.plugin.dir";
    public static final String VOLUME_POOL_PROPERTY = "vbs.volume.file.pool";
    public static final String DRIVER_PROPERTY = "vbs.volume.driver";
    public static final String DEFAULT_DRIVER = "file";

    /** Driver names go into an LDAP filter: only these characters, so none needs escaping. */
    private static final Pattern DRIVER_NAME = Pattern.compile("[A-Za-z0-9._-]{1,64}");

    public PluginHostConfig {
        Objects.requireNonNull(storageDir, "storageDir");
        Objects.requireNonNull(pluginDir, "pluginDir");
        Objects.requireNonNull(volumePool, "volumePool");
        Objects.requireNonNull(driverName, "driverName");
        if (!DRIVER_NAME.matcher(driverName).matches()) {
            throw new IllegalArgumentException("volume driver name '" + driverName + "' (system property "
                    + DRIVER_PROPERTY + ") must be 1 to 64 letters, digits, '.', '_' or '-'");
        }
    }

    /** Inside WildFly: storage under {@code jboss.server.data.dir}, the rest from system properties. */
    public static PluginHostConfig fromSystemProperties() {
        String dataDir = System.getProperty("jboss.server.data.dir");
        if (dataDir == null) {
            throw new IllegalStateException("system property jboss.server.data.dir is not set: not inside WildFly?");
        }
        return new PluginHostConfig(Path.of(dataDir, "felix"), VbsHome.property(PLUGIN_DIR_PROPERTY, "plugins"),
                VbsHome.property(VOLUME_POOL_PROPERTY, "pool"),
                System.getProperty(DRIVER_PROPERTY, DEFAULT_DRIVER));
    }
}
