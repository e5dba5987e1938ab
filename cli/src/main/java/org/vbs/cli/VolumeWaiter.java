package org.vbs.cli;

import java.time.Duration;
import org.vbs.cli.generated.DescribeVolumesSetItemResponseType;
import org.vbs.cli.generated.DescribeVolumesSetItemType;
import org.vbs.cli.generated.DescribeVolumesSetType;
import org.vbs.cli.generated.DescribeVolumesType;
import org.vbs.cli.generated.VbsFault;
import org.vbs.cli.generated.VolumeServicePortType;

/**
 * {@code attach-volume --wait} / {@code detach-volume --wait}: polls DescribeVolumes until the volume is
 * in the wanted state ({@code in-use}, {@code available}), at most {@link #MAX_POLLS} times. The service
 * answers AttachVolume and DetachVolume only once they are done or rolled back, so the first poll
 * normally finds the volume there; the wait covers a service that answers earlier.
 */
final class VolumeWaiter {
    static final Duration POLL_INTERVAL = Duration.ofSeconds(1);
    /** Ten minutes at one poll a second: longer than the service's own host timeouts of an attach. */
    static final int MAX_POLLS = 600;
    static final String ERROR = "error";

    private final VolumeServicePortType port;
    private final SnapshotWaiter.Sleeper sleeper;

    VolumeWaiter(VolumeServicePortType port, SnapshotWaiter.Sleeper sleeper) {
        this.port = port;
        this.sleeper = sleeper;
    }

    /**
     * @return the volume in state {@code wanted}
     * @throws VolumeWaitFailedException if it ends in {@code error}, is no longer listed, or is not
     *                                   {@code wanted} after {@link #MAX_POLLS} polls
     */
    VolumeView await(String volumeId, String wanted) throws VbsFault, InterruptedException {
        VolumeView current = describe(volumeId);
        for (int polls = 1; !wanted.equals(current.status()); polls++) {
            if (ERROR.equals(current.status())) {
                throw new VolumeWaitFailedException("volume " + volumeId + " ended in state 'error' instead of '"
                        + wanted + "'; see describe-volumes, and detach it with --force to clean up");
            }
            if (polls >= MAX_POLLS) {
                throw new VolumeWaitFailedException("volume " + volumeId + " is still '" + current.status()
                        + "' after " + MAX_POLLS + " polls; it did not become '" + wanted + "'");
            }
            sleeper.sleep(POLL_INTERVAL);
            current = describe(volumeId);
        }
        return current;
    }

    private VolumeView describe(String volumeId) throws VbsFault {
        DescribeVolumesSetItemType id = new DescribeVolumesSetItemType();
        id.setVolumeId(volumeId);
        DescribeVolumesType request = new DescribeVolumesType();
        request.setVolumeSet(new DescribeVolumesSetType());
        request.getVolumeSet().getItem().add(id);
        for (DescribeVolumesSetItemResponseType item : port.describeVolumes(request).getVolumeSet().getItem()) {
            if (volumeId.equals(item.getVolumeId())) {
                return VolumeView.of(item);
            }
        }
        throw new VolumeWaitFailedException("volume " + volumeId + " is no longer listed by the service");
    }
}
