package org.vbs.plugins.vmm.libvirt;

import java.util.List;
import java.util.Map;
import org.vbs.plugins.spi.ArgType;
import org.vbs.plugins.spi.CommandTemplates;
import org.vbs.plugins.spi.DriverConfig;
import org.vbs.plugins.spi.DriverException;
import org.vbs.plugins.spi.DriverFactory;
import org.vbs.plugins.spi.HostShell;
import org.vbs.plugins.spi.hypervisor.HypervisorDriver;

/** Makes the libvirt driver of one hypervisor host from its {@link LibvirtSettings} and command templates. */
public final class LibvirtDriverFactory implements DriverFactory<HypervisorDriver> {
    public static final String ID = "libvirt";
    static final String TEMPLATES = "/org/vbs/plugins/vmm/libvirt/commands.properties";
    static final Map<String, ArgType> PLACEHOLDERS = Map.of(Virsh.URI, ArgType.URI, Virsh.DOMAIN, ArgType.INSTANCE,
            Virsh.SECRET, ArgType.NAME);

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
        return LibvirtSettings.PROPERTIES;
    }

    @Override
    public HypervisorDriver create(DriverConfig config, HostShell shell) throws DriverException {
        LibvirtSettings settings = LibvirtSettings.from(config);
        CommandTemplates templates = CommandTemplates.load(LibvirtDriverFactory.class, TEMPLATES, PLACEHOLDERS,
                config.templateOverrides());
        return new LibvirtHypervisorDriver(settings, new Virsh(shell, templates, settings));
    }
}
