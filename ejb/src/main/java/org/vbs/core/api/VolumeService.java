package org.vbs.core.api;


/**
 * The volume and snapshot lifecycle, as the SOAP endpoints (and tests) call it. Every call carries its
 * {@link RequestContext}: a caller sees, changes and deletes only what its DN owns. Every fault is a
 * {@link VbsException} carrying an EBS-style {@link ErrorCode} and a message meant for the caller
 * (never an internal exception's text); a refused call changes nothing.
 */
public interface VolumeService {

    Volume createVolume(RequestContext request, CreateVolumeRequest createRequest);

    /** Starts deleting a volume; it is {@code deleting} and then gone. */
    Volume deleteVolume(RequestContext request, String volumeId);

    Page<Volume> describeVolumes(RequestContext request, DescribeRequest describeRequest);

    /** Starts a snapshot: it is returned {@code pending} and completes asynchronously. */
    Snapshot createSnapshot(RequestContext request, String volumeId, String description);

    void deleteSnapshot(RequestContext request, String snapshotId);

    Page<Snapshot> describeSnapshots(RequestContext request, DescribeRequest describeRequest);
}
