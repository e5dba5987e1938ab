package org.vbs.core.api;

import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A CreateVolume call as the caller made it. Validation (sizes, id syntax, tags) is the service's
 * job, so a bad value gets an {@link ErrorCode#INVALID_PARAMETER_VALUE} fault rather than an
 * exception from a constructor.
 *
 * @param sizeGiB size in GiB; empty means "the snapshot's size" (then a snapshot is required)
 * @param snapshotId the snapshot to copy, if any
 * @param clientToken makes the call idempotent: a retry with the same token returns the same volume
 * @param tags user tags (key to value)
 */
public record CreateVolumeRequest(Optional<Long> sizeGiB, Optional<String> snapshotId,
                                  Optional<String> clientToken, Map<String, String> tags) {
    public CreateVolumeRequest {
        Objects.requireNonNull(sizeGiB, "sizeGiB");
        Objects.requireNonNull(snapshotId, "snapshotId");
        Objects.requireNonNull(clientToken, "clientToken");
        tags = Map.copyOf(tags);
    }
}
