package org.vbs.plugins.spi.hypervisor;

import org.vbs.plugins.spi.ArgType;

/** A volume's disk in a VM, as the hypervisor reports it. */
public record AttachedDevice(String instanceId, String device, String volumeId) {
    public AttachedDevice {
        ArgType.INSTANCE.require("instanceId", instanceId);
        ArgType.DEVICE.require("device", device);
        ArgType.VOLUME_ID.require("volumeId", volumeId);
    }
}
