package org.vbs.plugins.spi.hypervisor;

import java.util.Objects;
import org.vbs.plugins.spi.ArgType;
import org.vbs.plugins.spi.export.ChapCredentials;
import org.vbs.plugins.spi.export.ExportedTarget;

/**
 * Attach a target to a VM.
 *
 * @param instanceId the VM, as the hypervisor names it
 * @param device the guest device the user asked for (e.g. {@code sdb})
 * @param target where the volume is exported
 * @param initiatorIqn the name the hypervisor host logs in with (the target's ACL admits only it)
 * @param chap the accounts to log in with
 */
public record DeviceAttachRequest(String instanceId, String device, ExportedTarget target, String initiatorIqn,
                                  ChapCredentials chap) {
    public DeviceAttachRequest {
        ArgType.INSTANCE.require("instanceId", instanceId);
        ArgType.DEVICE.require("device", device);
        Objects.requireNonNull(target, "target");
        ArgType.IQN.require("initiatorIqn", initiatorIqn);
        Objects.requireNonNull(chap, "chap");
    }

    public String volumeId() {
        return target.volumeId();
    }
}
