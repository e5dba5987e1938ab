package org.vbs.core.domain;

import java.time.Instant;
import java.util.Objects;
import org.vbs.core.api.VolumeAttachment;

/**
 * A volume's attachment as the service keeps it, in its volume's record: where it is attached, the
 * target that exports it and the CHAP account guarding that target. The CHAP secret is kept sealed
 * ({@link org.vbs.security.chap.SecretSealer}, bound to the volume and target) and never leaves the
 * service: {@link #toAttachment} and {@link #toString} leave it out.
 *
 * @param host the hypervisor host the instance runs on
 * @param targetIqn the iSCSI target made for this attachment (one per attachment)
 * @param initiatorIqn the name the hypervisor host logs in with (the target's ACL admits only it)
 * @param chapUser the CHAP user of the target's account
 * @param sealedSecret the CHAP secret, sealed
 */
public record Attachment(String instanceId, String host, String device, VolumeAttachment.Status status,
                         Instant attachTime, String targetIqn, String initiatorIqn, String chapUser,
                         String sealedSecret) {

    public Attachment {
        Objects.requireNonNull(instanceId, "instanceId");
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(device, "device");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(attachTime, "attachTime");
        Objects.requireNonNull(targetIqn, "targetIqn");
        Objects.requireNonNull(initiatorIqn, "initiatorIqn");
        Objects.requireNonNull(chapUser, "chapUser");
        Objects.requireNonNull(sealedSecret, "sealedSecret");
    }

    public Attachment withStatus(VolumeAttachment.Status next) {
        return new Attachment(instanceId, host, device, next, attachTime, targetIqn, initiatorIqn, chapUser,
                sealedSecret);
    }

    /** What the sealed secret is bound to: a value moved to another record does not unseal. */
    public static String sealingContext(String volumeId, String targetIqn) {
        return volumeId + "|" + targetIqn;
    }

    public VolumeAttachment toAttachment(String volumeId) {
        return new VolumeAttachment(volumeId, instanceId, host, device, status, attachTime);
    }

    @Override
    public String toString() {
        return "Attachment[" + instanceId + " on " + host + " as " + device + ", " + status + ", target " + targetIqn
                + ", user " + chapUser + ", secret sealed]";
    }
}
