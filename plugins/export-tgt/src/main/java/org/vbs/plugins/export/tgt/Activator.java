package org.vbs.plugins.export.tgt;

import java.util.Dictionary;
import java.util.Hashtable;

import org.osgi.framework.BundleActivator;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.vbs.plugins.spi.DriverFactory;
import org.vbs.plugins.spi.export.ExportDriver;

/**
 * Registers the tgt export driver's factory as a {@link DriverFactory} service with the properties
 * {@value DriverFactory#ID_PROPERTY}={@value TgtExportDriverFactory#ID} and
 * {@value DriverFactory#KIND_PROPERTY}=ExportDriver. The bundle needs no framework configuration: each
 * volume server's settings come with {@link DriverFactory#create}.
 */
public final class Activator implements BundleActivator {
    private static final System.Logger LOG = System.getLogger(Activator.class.getName());

    private ServiceRegistration<?> registration;

    @Override
    public void start(BundleContext context) {
        Dictionary<String, Object> properties = new Hashtable<>();
        properties.put(DriverFactory.ID_PROPERTY, TgtExportDriverFactory.ID);
        properties.put(DriverFactory.KIND_PROPERTY, ExportDriver.class.getSimpleName());
        registration = context.registerService(DriverFactory.class.getName(), new TgtExportDriverFactory(), properties);
        LOG.log(System.Logger.Level.INFO, "tgt export driver factory registered");
    }

    @Override
    public void stop(BundleContext context) {
        if (registration != null) {
            registration.unregister();
            registration = null;
        }
        LOG.log(System.Logger.Level.INFO, "tgt export driver factory unregistered");
    }
}
