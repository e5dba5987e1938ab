package org.vbs.plugins.export.tgt;

import java.util.List;
import org.vbs.plugins.spi.DriverConfig;
import org.vbs.plugins.spi.DriverException;
import org.vbs.plugins.spi.DriverFactory;
import org.vbs.plugins.spi.HostShell;
import org.vbs.plugins.spi.export.ExportDriver;

/** Makes a {@link TgtExportDriver} for each volume server whose registration names the driver {@value #ID}. */
public final class TgtExportDriverFactory implements DriverFactory<ExportDriver> {
    /** The id operators name in a host registration. */
    public static final String ID = "tgt";

    @Override
    public String id() {
        return ID;
    }

    @Override
    public Class<ExportDriver> kind() {
        return ExportDriver.class;
    }

    @Override
    public List<ConfigProperty> configProperties() {
        return TgtSettings.PROPERTIES;
    }

    @Override
    public ExportDriver create(DriverConfig config, HostShell shell) throws DriverException {
        return TgtExportDriver.create(config, shell);
    }
}
