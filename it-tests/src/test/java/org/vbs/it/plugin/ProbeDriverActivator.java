package org.vbs.it.plugin;

import java.util.Hashtable;
import java.util.List;
import org.osgi.framework.BundleActivator;
import org.osgi.framework.BundleContext;
import org.vbs.plugins.spi.DriverConfig;
import org.vbs.plugins.spi.DriverException;
import org.vbs.plugins.spi.DriverFactory;
import org.vbs.plugins.spi.HostShell;
import org.vbs.plugins.spi.volume.VolumeDriver;

/**
 * Packed into a test bundle by {@link org.vbs.it.support.TestBundles}: registers the factory of a
 * volume driver with id {@value #DRIVER_ID}, so DescribePlugins has a driver to show. No host names
 * it; asked for a driver anyway, it refuses with a configuration error.
 */
public class ProbeDriverActivator implements BundleActivator {
    public static final String DRIVER_ID = "it-probe";

    @Override
    public void start(BundleContext context) {
        Hashtable<String, Object> properties = new Hashtable<>();
        properties.put(DriverFactory.ID_PROPERTY, DRIVER_ID);
        properties.put(DriverFactory.KIND_PROPERTY, "VolumeDriver");
        context.registerService(DriverFactory.class.getName(), new ProbeFactory(), properties);
    }

    @Override
    public void stop(BundleContext context) {
        // The framework unregisters the service.
    }

    static final class ProbeFactory implements DriverFactory<VolumeDriver> {
        @Override
        public String id() {
            return DRIVER_ID;
        }

        @Override
        public Class<VolumeDriver> kind() {
            return VolumeDriver.class;
        }

        @Override
        public List<ConfigProperty> configProperties() {
            return List.of();
        }

        @Override
        public VolumeDriver create(DriverConfig config, HostShell shell) throws DriverException {
            throw new DriverException(DriverException.Code.CONFIGURATION, "the integration tests' probe driver"
                    + " only shows up in DescribePlugins; it makes no drivers");
        }
    }
}
