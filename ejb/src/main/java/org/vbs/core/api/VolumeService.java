package org.vbs.core.api;

import org.vbs.security.GridIdentity;

/**
 * The volume and snapshot lifecycle, as the SOAP endpoints (and tests) call it. Every call names the
 * caller explicitly: a caller sees, changes and deletes only what its DN owns. Every fault is a
 * {@link VbsException} carrying an EBS-style {@link ErrorCode}; a refused call changes nothing.
 */
public interface VolumeService {

    Volume createVolume(GridIdentity caller, CreateVolumeRequest request);

    /** Starts deleting a volume; it is {@code deleting} and then gone. */
    Volume deleteVolume(GridIdentity caller, String volumeId);

    Page<Volume> describeVolumes(GridIdentity caller, DescribeRequest request);

    /** Starts a snapshot: it is returned {@code pending} and completes asynchronously. */
    Snapshot createSnapshot(GridIdentity caller, String volumeId, String description);

    void deleteSnapshot(GridIdentity caller, String snapshotId);

    Page<Snapshot> describeSnapshots(GridIdentity caller, DescribeRequest request);
}
