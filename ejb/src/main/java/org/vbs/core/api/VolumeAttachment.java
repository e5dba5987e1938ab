package org.vbs.core.api;

import java.time.Instant;
import java.util.Locale;
import java.util.Objects;

/**
 * A volume's attachment as its owner sees it (EC2's attachmentSet item). Never holds a secret.
 *
 * @param volumeId the volume
 * @param instanceId the instance (VM) it is attached to
 * @param host the hypervisor host the instance runs on
 * @param device the device name the owner asked for
 * @param status attaching, attached or detaching
 * @param attachTime when the attach was asked for
 */
public record VolumeAttachment(String volumeId, String instanceId, String host, String device, Status status,
                               Instant attachTime) {
    /** EC2's attachment states. */
    public enum Status {
        ATTACHING,
        ATTACHED,
        DETACHING,
        DETACHED;

        public String wireName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public VolumeAttachment {
        Objects.requireNonNull(volumeId, "volumeId");
        Objects.requireNonNull(instanceId, "instanceId");
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(device, "device");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(attachTime, "attachTime");
    }
}
