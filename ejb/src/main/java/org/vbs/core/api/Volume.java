package org.vbs.core.api;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A volume as described to its owner. Immutable; {@code version} counts the changes made to it
 * (every change is a compare-and-set on the previous version). Not the stored form: the store keeps
 * its own records (ProtoStream messages).
 */
public record Volume(String id, String owner, long sizeGiB, Optional<String> snapshotId,
                     VolumeState state, Optional<String> stateReason, Instant createTime,
                     Map<String, String> tags, Optional<VolumeAttachment> attachment, long version) {
    public Volume {
        tags = Map.copyOf(tags);
        Objects.requireNonNull(attachment, "attachment");
    }
}
