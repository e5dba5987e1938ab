package org.vbs.plugins.testkit.tools;

import java.nio.file.Path;
import java.util.Map;
import java.util.ServiceLoader;
import org.osgi.framework.BundleException;
import org.osgi.framework.Constants;
import org.osgi.framework.launch.Framework;
import org.osgi.framework.launch.FrameworkFactory;
import org.vbs.plugins.spi.SpiPackages;

/**
 * A real OSGi framework (Felix) set up as the service's plugin host sets it up: the SPI packages
 * exported by the system bundle, no JVM-wide URL handlers. For a bundle's integration test.
 */
public final class PluginFramework {
    private PluginFramework() {
    }

    /** Starts a framework whose bundle cache is {@code work/felix-cache}; stop it after the test. */
    public static Framework start(Path work) throws BundleException {
        Map<String, String> config = Map.of(
                Constants.FRAMEWORK_STORAGE, work.resolve("felix-cache").toString(),
                Constants.FRAMEWORK_STORAGE_CLEAN, Constants.FRAMEWORK_STORAGE_CLEAN_ONFIRSTINIT,
                Constants.FRAMEWORK_SYSTEMPACKAGES_EXTRA, SpiPackages.SYSTEM_PACKAGES_EXTRA,
                "felix.service.urlhandlers", "false");
        Framework framework = ServiceLoader.load(FrameworkFactory.class).findFirst()
                .orElseThrow(() -> new IllegalStateException("no OSGi framework on the test class path"))
                .newFramework(config);
        framework.start();
        return framework;
    }
}
