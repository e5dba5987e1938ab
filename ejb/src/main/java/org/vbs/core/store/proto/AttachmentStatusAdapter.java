package org.vbs.core.store.proto;

import org.infinispan.protostream.annotations.ProtoAdapter;
import org.infinispan.protostream.annotations.ProtoEnumValue;
import org.infinispan.protostream.annotations.ProtoName;
import org.vbs.core.api.VolumeAttachment;

/** {@link VolumeAttachment.Status} as the proto enum {@code vbs.metadata.AttachmentStatus}. */
@ProtoAdapter(VolumeAttachment.Status.class)
@ProtoName("AttachmentStatus")
public enum AttachmentStatusAdapter {
    @ProtoEnumValue(number = 1, name = "ATTACHMENT_STATUS_ATTACHING") ATTACHING,
    @ProtoEnumValue(number = 2, name = "ATTACHMENT_STATUS_ATTACHED") ATTACHED,
    @ProtoEnumValue(number = 3, name = "ATTACHMENT_STATUS_DETACHING") DETACHING,
    @ProtoEnumValue(number = 4, name = "ATTACHMENT_STATUS_DETACHED") DETACHED
}
