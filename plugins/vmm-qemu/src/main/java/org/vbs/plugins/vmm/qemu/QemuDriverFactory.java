package org.vbs.plugins.vmm.qemu;

import java.util.List;
import java.util.Map;
import org.vbs.plugins.spi.ArgType;
import org.vbs.plugins.spi.CommandTemplates;
import org.vbs.plugins.spi.DriverConfig;
import org.vbs.plugins.spi.DriverException;
import org.vbs.plugins.spi.DriverFactory;
import org.vbs.plugins.spi.HostShell;
import org.vbs.plugins.spi.hypervisor.HypervisorDriver;

/** Makes the QEMU driver of one hypervisor host from its {@link QemuSettings} and command templates. */
public final class QemuDriverFactory implements DriverFactory<HypervisorDriver> {
    public static final String ID = "qemu";
    static final String TEMPLATES = "/org/vbs/plugins/vmm/qemu/commands.properties";
    static final Map<String, ArgType> PLACEHOLDERS = Map.of("socket", ArgType.PATH);

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
        return QemuSettings.PROPERTIES;
    }

    @Override
    public HypervisorDriver create(DriverConfig config, HostShell shell) throws DriverException {
        QemuSettings settings = QemuSettings.from(config);
        CommandTemplates templates = CommandTemplates.load(QemuDriverFactory.class, TEMPLATES, PLACEHOLDERS,
                config.templateOverrides());
        QmpConnector connector = new QmpConnector(shell, templates.get(QmpConnector.CONNECT_TEMPLATE), settings);
        return new QemuHypervisorDriver(settings, connector, shell.host());
    }
}
