package org.vbs.plugins.vmm.libvirt;

import java.util.Objects;
import org.vbs.plugins.spi.ArgType;

/**
 * A disk of a live domain whose {@code <serial>} is a VBS volume id: one this driver attached.
 *
 * @param volumeId the serial
 * @param targetDev the {@code <target dev=...>}, the guest device name the attach asked for
 * @param xml the {@code <disk>} element as the live domain XML has it, for {@code detach-device}
 */
record VbsDisk(String volumeId, String targetDev, String xml) {
    VbsDisk {
        ArgType.VOLUME_ID.require("volumeId", volumeId);
        Objects.requireNonNull(targetDev, "targetDev");
        Objects.requireNonNull(xml, "xml");
    }
}
