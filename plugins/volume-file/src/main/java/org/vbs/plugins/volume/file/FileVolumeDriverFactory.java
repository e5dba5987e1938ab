package org.vbs.plugins.volume.file;

import java.util.List;

import org.vbs.plugins.spi.CommandTemplates;
import org.vbs.plugins.spi.DriverConfig;
import org.vbs.plugins.spi.DriverException;
import org.vbs.plugins.spi.DriverFactory;
import org.vbs.plugins.spi.HostShell;
import org.vbs.plugins.spi.volume.VolumeDriver;

/**
 * Makes the file driver of a volume server from its registration: the property {@value #POOL} names
 * the pool directory. The pool must be on the host the service runs on (the driver works on it with
 * Java file I/O and runs its copies through the host's shell).
 */
public final class FileVolumeDriverFactory implements DriverFactory<VolumeDriver> {
    public static final String ID = "file";
    public static final String POOL = "pool";
    static final String TEMPLATES = "/org/vbs/plugins/volume/file/commands.properties";

    @Override
    public String id() {
        return ID;
    }

    @Override
    public Class<VolumeDriver> kind() {
        return VolumeDriver.class;
    }

    @Override
    public List<ConfigProperty> configProperties() {
        return List.of(new ConfigProperty(POOL, "the pool directory (absolute): volumes/, snapshots/ and tmp/ on one"
                + " file system; xfs with reflink=1 or btrfs for O(1) snapshots", true, false));
    }

    @Override
    public VolumeDriver create(DriverConfig config, HostShell shell) throws DriverException {
        CommandTemplates templates = templates(config);
        return FileVolumeDriver.open(config.requirePath(POOL), shell, templates);
    }

    static CommandTemplates templates(DriverConfig config) throws DriverException {
        return CommandTemplates.load(FileVolumeDriverFactory.class, TEMPLATES, FileCopier.PLACEHOLDERS,
                config.templateOverrides());
    }
}
