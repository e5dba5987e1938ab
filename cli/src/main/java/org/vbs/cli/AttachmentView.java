package org.vbs.cli;

import java.time.Instant;
import org.vbs.cli.generated.AttachVolumeResponseType;
import org.vbs.cli.generated.AttachmentSetItemResponseType;
import org.vbs.cli.generated.DetachVolumeResponseType;

/** A volume's attachment as the service described it: in an attach/detach answer or a volume's attachmentSet. */
public record AttachmentView(String volumeId, String instanceId, String device, String status, Instant attachTime) {

    public static AttachmentView of(AttachVolumeResponseType attached) {
        return new AttachmentView(attached.getVolumeId(), attached.getInstanceId(), attached.getDevice(),
                attached.getStatus(), VolumeView.instant(attached.getAttachTime()));
    }

    public static AttachmentView of(DetachVolumeResponseType detached) {
        return new AttachmentView(detached.getVolumeId(), detached.getInstanceId(), detached.getDevice(),
                detached.getStatus(), VolumeView.instant(detached.getAttachTime()));
    }

    public static AttachmentView of(AttachmentSetItemResponseType item) {
        return new AttachmentView(item.getVolumeId(), item.getInstanceId(), item.getDevice(), item.getStatus(),
                VolumeView.instant(item.getAttachTime()));
    }
}
