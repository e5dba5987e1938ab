package org.vbs.cli;

import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.xml.datatype.XMLGregorianCalendar;
import org.vbs.cli.generated.AttachmentSetResponseType;
import org.vbs.cli.generated.CreateVolumeResponseType;
import org.vbs.cli.generated.DescribeVolumesSetItemResponseType;
import org.vbs.cli.generated.ResourceTagSetItemType;
import org.vbs.cli.generated.ResourceTagSetType;

/**
 * A volume as the service described it, whichever call answered. Tags keep the service's order;
 * attachments are EC2's attachmentSet (none, or the one instance the volume is attached to).
 */
public record VolumeView(String volumeId, long sizeGiB, Optional<String> snapshotId, String status,
                         Instant createTime, List<AttachmentView> attachments, Map<String, String> tags) {
    public VolumeView {
        attachments = List.copyOf(attachments);
        tags = Collections.unmodifiableMap(new LinkedHashMap<>(tags));
    }

    public static VolumeView of(CreateVolumeResponseType created) {
        return new VolumeView(created.getVolumeId(), created.getSize(), Optional.ofNullable(created.getSnapshotId()),
                created.getStatus(), instant(created.getCreateTime()), List.of(), tags(created.getTagSet()));
    }

    public static VolumeView of(DescribeVolumesSetItemResponseType item) {
        return new VolumeView(item.getVolumeId(), item.getSize(), Optional.ofNullable(item.getSnapshotId()),
                item.getStatus(), instant(item.getCreateTime()), attachments(item.getAttachmentSet()),
                tags(item.getTagSet()));
    }

    /** A service that predates attachments sends no attachmentSet: no attachments. */
    private static List<AttachmentView> attachments(AttachmentSetResponseType set) {
        return set == null ? List.of() : set.getItem().stream().map(AttachmentView::of).toList();
    }

    static Instant instant(XMLGregorianCalendar time) {
        return time.toGregorianCalendar().toInstant();
    }

    private static Map<String, String> tags(ResourceTagSetType tagSet) {
        Map<String, String> tags = new LinkedHashMap<>();
        if (tagSet != null) {
            for (ResourceTagSetItemType item : tagSet.getItem()) {
                tags.put(item.getKey(), Optional.ofNullable(item.getValue()).orElse(""));
            }
        }
        return tags;
    }
}
