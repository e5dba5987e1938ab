package org.vbs.plugins.volume.file;

import java.util.Dictionary;
import java.util.Hashtable;

import org.osgi.framework.BundleActivator;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.vbs.plugins.spi.DriverFactory;
import org.vbs.plugins.spi.volume.VolumeDriver;

/**
 * Registers the file backend's {@link DriverFactory} (id {@value FileVolumeDriverFactory#ID}); the
 * service core makes a driver from it for each volume server that names it.
 */
public final class Activator implements BundleActivator {
    private ServiceRegistration<?> registration;

    @Override
    public void start(BundleContext context) {
        Dictionary<String, Object> properties = new Hashtable<>();
        properties.put(DriverFactory.ID_PROPERTY, FileVolumeDriverFactory.ID);
        properties.put(DriverFactory.KIND_PROPERTY, VolumeDriver.class.getSimpleName());
        registration = context.registerService(DriverFactory.class.getName(), new FileVolumeDriverFactory(),
                properties);
    }

    @Override
    public void stop(BundleContext context) {
        if (registration != null) {
            registration.unregister();
            registration = null;
        }
    }
}
