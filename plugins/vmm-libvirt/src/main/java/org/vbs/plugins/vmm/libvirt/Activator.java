package org.vbs.plugins.vmm.libvirt;

import java.util.Dictionary;
import java.util.Hashtable;

import org.osgi.framework.BundleActivator;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.vbs.plugins.spi.DriverFactory;

/**
 * Registers the libvirt driver's factory as a {@link DriverFactory} service with
 * {@value DriverFactory#ID_PROPERTY}={@value LibvirtDriverFactory#ID} and
 * {@value DriverFactory#KIND_PROPERTY}=HypervisorDriver. Hosts are configured per registration
 * ({@link LibvirtSettings}), so starting needs no framework property.
 */
public final class Activator implements BundleActivator {
    private static final System.Logger LOG = System.getLogger(Activator.class.getName());

    private ServiceRegistration<?> registration;

    @Override
    public void start(BundleContext context) {
        LibvirtDriverFactory factory = new LibvirtDriverFactory();
        Dictionary<String, Object> properties = new Hashtable<>();
        properties.put(DriverFactory.ID_PROPERTY, factory.id());
        properties.put(DriverFactory.KIND_PROPERTY, factory.kind().getSimpleName());
        registration = context.registerService(DriverFactory.class.getName(), factory, properties);
        LOG.log(System.Logger.Level.INFO, "libvirt hypervisor driver factory registered");
    }

    @Override
    public void stop(BundleContext context) {
        if (registration != null) {
            registration.unregister();
            registration = null;
        }
        LOG.log(System.Logger.Level.INFO, "libvirt hypervisor driver factory unregistered");
    }
}
