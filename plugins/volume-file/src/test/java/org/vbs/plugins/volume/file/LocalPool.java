package org.vbs.plugins.volume.file;

import java.util.Map;

import org.vbs.hosts.LocalHostShell;
import org.vbs.plugins.spi.CommandTemplates;
import org.vbs.plugins.spi.DriverConfig;
import org.vbs.plugins.spi.DriverException;
import org.vbs.plugins.spi.HostShell;

/** The shell and the bundle's own command templates, as the core hands them to a driver of the local host. */
final class LocalPool {
    static final HostShell SHELL = new LocalHostShell("local");

    private LocalPool() {
    }

    static CommandTemplates templates() throws DriverException {
        return FileVolumeDriverFactory.templates(new DriverConfig("local", Map.of(), Map.of()));
    }
}
