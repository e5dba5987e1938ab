package org.vbs.core.host;

import java.util.List;
import org.vbs.plugins.spi.export.ExportDriver;
import org.vbs.plugins.spi.hypervisor.HypervisorDriver;
import org.vbs.plugins.spi.volume.VolumeDriver;

/**
 * The registered hosts and their drivers, as the workflows use them. Ask for a driver for every
 * operation: plugins come and go, and a driver made from a replaced bundle is not handed out again.
 */
public interface Hosts {

    /** Every registered host, in a stable order (placement tries volume servers in this order). */
    List<HostRegistration> registrations();

    /**
     * @throws org.vbs.core.api.VbsException ServiceUnavailable when the host is not registered with such a
     *         driver, its plugin is not running, or the driver cannot be made (the log says why)
     */
    VolumeDriver volumeDriver(String host);

    /** @see #volumeDriver(String) */
    ExportDriver exportDriver(String host);

    /** @see #volumeDriver(String) */
    HypervisorDriver hypervisorDriver(String host);
}
