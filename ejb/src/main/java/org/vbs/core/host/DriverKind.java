package org.vbs.core.host;

import org.vbs.plugins.spi.export.ExportDriver;
import org.vbs.plugins.spi.hypervisor.HypervisorDriver;
import org.vbs.plugins.spi.volume.VolumeDriver;

/** The three driver contracts a host may have one of each, with their key prefix in a host file. */
public enum DriverKind {
    VOLUME("volume", VolumeDriver.class),
    EXPORT("export", ExportDriver.class),
    HYPERVISOR("hypervisor", HypervisorDriver.class);

    private final String prefix;
    private final Class<?> contract;

    DriverKind(String prefix, Class<?> contract) {
        this.prefix = prefix;
        this.contract = contract;
    }

    /** The key prefix in a host file: {@code volume.driver=file}, {@code volume.pool=...}. */
    public String prefix() {
        return prefix;
    }

    public Class<?> contract() {
        return contract;
    }

    /** The value of a factory's {@code vbs.driver.kind} service property. */
    public String serviceKind() {
        return contract.getSimpleName();
    }
}
