package org.vbs.plugins.vmm.xen;

import java.util.List;
import org.vbs.plugins.spi.DriverConfig;
import org.vbs.plugins.spi.DriverException;
import org.vbs.plugins.spi.DriverFactory;
import org.vbs.plugins.spi.HostShell;
import org.vbs.plugins.spi.hypervisor.HypervisorDriver;

/** Makes the Xen driver of one Xen host (its dom0) from its {@link XenSettings} and command templates. */
public final class XenDriverFactory implements DriverFactory<HypervisorDriver> {
    public static final String ID = "xen";

    @Override
    public String id() {
        return ID;
    }

    @Override
    public Class<HypervisorDriver> kind() {
        return HypervisorDriver.class;
    }

    @Override
    public List<ConfigProperty> configProperties() {
        return XenSettings.PROPERTIES;
    }

    @Override
    public HypervisorDriver create(DriverConfig config, HostShell shell) throws DriverException {
        XenSettings settings = XenSettings.from(config);
        return new XenHypervisorDriver(settings, new Dom0Commands(shell, Dom0Commands.templates(
                config.templateOverrides())));
    }
}
