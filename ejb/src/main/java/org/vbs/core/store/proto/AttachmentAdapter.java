package org.vbs.core.store.proto;

import java.util.Objects;
import org.infinispan.protostream.annotations.ProtoAdapter;
import org.infinispan.protostream.annotations.ProtoFactory;
import org.infinispan.protostream.annotations.ProtoField;
import org.infinispan.protostream.annotations.ProtoName;
import org.vbs.core.api.VolumeAttachment;
import org.vbs.core.domain.Attachment;

/**
 * The stored form of {@link Attachment} (inside its volume's record): message
 * {@code vbs.metadata.Attachment}. The CHAP secret is stored sealed only. Field numbers are forever:
 * see package-info.
 */
@ProtoAdapter(Attachment.class)
@ProtoName("Attachment")
public final class AttachmentAdapter {

    @ProtoFactory
    Attachment create(String instanceId, String host, String device, VolumeAttachment.Status status,
                      Timestamp attachTime, String targetIqn, String initiatorIqn, String chapUser,
                      String sealedSecret) {
        return new Attachment(instanceId, host, device, status,
                Objects.requireNonNull(attachTime, "attachTime").toInstant(), targetIqn, initiatorIqn, chapUser,
                sealedSecret);
    }

    @ProtoField(number = 1)
    String getInstanceId(Attachment a) {
        return a.instanceId();
    }

    @ProtoField(number = 2)
    String getHost(Attachment a) {
        return a.host();
    }

    @ProtoField(number = 3)
    String getDevice(Attachment a) {
        return a.device();
    }

    @ProtoField(number = 4)
    VolumeAttachment.Status getStatus(Attachment a) {
        return a.status();
    }

    @ProtoField(number = 5)
    Timestamp getAttachTime(Attachment a) {
        return Timestamp.of(a.attachTime());
    }

    @ProtoField(number = 6)
    String getTargetIqn(Attachment a) {
        return a.targetIqn();
    }

    @ProtoField(number = 7)
    String getInitiatorIqn(Attachment a) {
        return a.initiatorIqn();
    }

    @ProtoField(number = 8)
    String getChapUser(Attachment a) {
        return a.chapUser();
    }

    @ProtoField(number = 9)
    String getSealedSecret(Attachment a) {
        return a.sealedSecret();
    }
}
