package org.vbs.core.service;

import org.vbs.plugins.spi.volume.VolumeDriver;

/** Where the workflows get the configured volume driver from (the plugin host, or a test). */
@FunctionalInterface
public interface VolumeDriverSource {

    /**
     * The driver to use now; ask again for every operation (plugins come and go).
     *
     * @throws org.vbs.core.api.VbsException ServiceUnavailable naming the missing driver
     */
    VolumeDriver driver();
}
