package org.vbs.plugins.volume.file;

import java.nio.file.Path;
import java.util.Dictionary;
import java.util.Hashtable;

import org.osgi.framework.BundleActivator;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleException;
import org.osgi.framework.ServiceRegistration;
import org.vbs.plugins.spi.volume.Capability;
import org.vbs.plugins.spi.volume.VolumeDriver;

/**
 * Starts the file backend: opens the pool the host names in the framework property
 * {@value #POOL_PROPERTY} and registers the driver as a {@link VolumeDriver} service named
 * {@value FileVolumeDriver#NAME}.
 */
public final class Activator implements BundleActivator {
    /** The framework (or system) property holding the pool directory; the plugin host always sets it. */
    public static final String POOL_PROPERTY = "vbs.volume.file.pool";

    private static final System.Logger LOG = System.getLogger(Activator.class.getName());

    private ServiceRegistration<VolumeDriver> registration;

    @Override
    public void start(BundleContext context) throws Exception {
        String poolDir = context.getProperty(POOL_PROPERTY);
        if (poolDir == null || poolDir.isBlank()) {
            throw new BundleException("the file volume driver needs the pool directory in the framework property "
                    + POOL_PROPERTY + ", which is not set", BundleException.ACTIVATOR_ERROR);
        }
        FileVolumeDriver driver = FileVolumeDriver.open(Path.of(poolDir));
        Dictionary<String, Object> properties = new Hashtable<>();
        properties.put(VolumeDriver.NAME_PROPERTY, driver.name());
        registration = context.registerService(VolumeDriver.class, driver, properties);
        LOG.log(System.Logger.Level.INFO, "file volume driver started: pool {0}, snapshots by {1}", driver.poolDir(),
                driver.capabilities().contains(Capability.COPY_ON_WRITE_SNAPSHOTS)
                        ? "reflink (copy-on-write)" : "full copy (no reflinks on this file system)");
    }

    @Override
    public void stop(BundleContext context) {
        if (registration != null) {
            registration.unregister();
            registration = null;
        }
        LOG.log(System.Logger.Level.INFO, "file volume driver stopped");
    }
}
