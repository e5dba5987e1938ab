package org.vbs.core.api;

import java.io.Serializable;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/**
 * A volume as stored and as described. Immutable: a change is a new record with {@code version + 1},
 * written with a compare-and-set on the previous one.
 */
public record Volume(String id, String owner, long sizeGiB, Optional<String> snapshotId,
                     VolumeState state, Optional<String> stateReason, Instant createTime,
                     Map<String, String> tags, long version) implements Serializable {
    public Volume {
        tags = Map.copyOf(tags);
    }
}
