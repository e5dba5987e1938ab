package org.vbs.cli;

import java.time.Instant;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.vbs.cli.generated.CreateSnapshotResponseType;
import org.vbs.cli.generated.DescribeSnapshotsSetItemResponseType;

/**
 * A snapshot as the service described it. {@code progress} is the service's text ("42%");
 * {@code statusMessage} says why a snapshot is in {@code error}.
 */
public record SnapshotView(String snapshotId, String volumeId, String status, Optional<String> statusMessage,
                           Instant startTime, String progress, long volumeSizeGiB, Optional<String> description) {
    public static final String COMPLETED = "completed";
    public static final String ERROR = "error";

    private static final Pattern PERCENT = Pattern.compile("\\s*(\\d{1,3})\\s*%?\\s*");

    public static SnapshotView of(CreateSnapshotResponseType created) {
        return new SnapshotView(created.getSnapshotId(), created.getVolumeId(), created.getStatus(), Optional.empty(),
                VolumeView.instant(created.getStartTime()), created.getProgress(), created.getVolumeSize(),
                Optional.ofNullable(created.getDescription()));
    }

    public static SnapshotView of(DescribeSnapshotsSetItemResponseType item) {
        return new SnapshotView(item.getSnapshotId(), item.getVolumeId(), item.getStatus(),
                Optional.ofNullable(item.getStatusMessage()), VolumeView.instant(item.getStartTime()),
                item.getProgress(), item.getVolumeSize(), Optional.ofNullable(item.getDescription()));
    }

    /** Whether the snapshot has stopped changing: {@code completed} or {@code error}. */
    public boolean finished() {
        return COMPLETED.equals(status) || ERROR.equals(status);
    }

    /** The progress as a percentage 0..100, if the service's text is one. */
    public OptionalInt percent() {
        Matcher matcher = PERCENT.matcher(progress == null ? "" : progress);
        if (!matcher.matches()) {
            return OptionalInt.empty();
        }
        return OptionalInt.of(Math.min(100, Integer.parseInt(matcher.group(1))));
    }
}
