package org.vbs.cli;

import java.time.Duration;
import org.vbs.cli.generated.DescribeSnapshotsSetItemResponseType;
import org.vbs.cli.generated.DescribeSnapshotsSetItemType;
import org.vbs.cli.generated.DescribeSnapshotsSetType;
import org.vbs.cli.generated.DescribeSnapshotsType;
import org.vbs.cli.generated.VbsFault;
import org.vbs.cli.generated.VolumeServicePortType;

/** {@code create-snapshot --wait}: polls DescribeSnapshots until the snapshot is completed or in error. */
final class SnapshotWaiter {
    static final Duration POLL_INTERVAL = Duration.ofSeconds(1);

    /** Waits between polls; tests count the waits instead of sleeping. */
    @FunctionalInterface
    interface Sleeper {
        void sleep(Duration duration) throws InterruptedException;
    }

    private final VolumeServicePortType port;
    private final Sleeper sleeper;
    private final ProgressBar progress;

    SnapshotWaiter(VolumeServicePortType port, Sleeper sleeper, ProgressBar progress) {
        this.port = port;
        this.sleeper = sleeper;
        this.progress = progress;
    }

    /**
     * @return the snapshot in its final state ({@code completed} or {@code error})
     * @throws SnapshotFailedException if the service stops listing the snapshot while it is pending
     */
    SnapshotView await(SnapshotView started) throws VbsFault, InterruptedException {
        SnapshotView current = started;
        try {
            progress.show(current);
            while (!current.finished()) {
                sleeper.sleep(POLL_INTERVAL);
                current = describe(current.snapshotId());
                progress.show(current);
            }
        } finally {
            progress.finish();
        }
        return current;
    }

    private SnapshotView describe(String snapshotId) throws VbsFault {
        DescribeSnapshotsSetItemType id = new DescribeSnapshotsSetItemType();
        id.setSnapshotId(snapshotId);
        DescribeSnapshotsType request = new DescribeSnapshotsType();
        request.setSnapshotSet(new DescribeSnapshotsSetType());
        request.getSnapshotSet().getItem().add(id);
        for (DescribeSnapshotsSetItemResponseType item : port.describeSnapshots(request).getSnapshotSet().getItem()) {
            if (snapshotId.equals(item.getSnapshotId())) {
                return SnapshotView.of(item);
            }
        }
        throw new SnapshotFailedException("snapshot " + snapshotId + " is no longer listed by the service"
                + " (deleted while it was pending?)");
    }
}
