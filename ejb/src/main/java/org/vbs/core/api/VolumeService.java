package org.vbs.core.api;

import java.util.Optional;

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

    /** The caller's volumes; an administrator's ({@link org.vbs.core.auth.AdminList}): every owner's. */
    Page<Volume> describeVolumes(RequestContext request, DescribeRequest describeRequest);

    /** Starts a snapshot: it is returned {@code pending} and completes asynchronously. */
    Snapshot createSnapshot(RequestContext request, String volumeId, String description);

    void deleteSnapshot(RequestContext request, String snapshotId);

    /** The caller's snapshots; an administrator's: every owner's. */
    Page<Snapshot> describeSnapshots(RequestContext request, DescribeRequest describeRequest);

    /**
     * Exports the volume with fresh CHAP credentials and attaches it to an instance on a registered
     * hypervisor host; returns when it is attached (the volume {@code in-use}) or rolled back.
     *
     * @param host the registered hypervisor host the instance runs on
     * @param device the guest device name ({@code sdb}, {@code /dev/sdb}, {@code xvdb})
     */
    VolumeAttachment attachVolume(RequestContext request, String volumeId, String host, String instanceId,
                                  String device);

    /**
     * Detaches the volume from its instance, removes its export and its CHAP secret; returns when it is
     * {@code available} again (the attachment {@code detached}).
     *
     * @param instanceId if given, a check (as in EC2): the volume must be attached to this instance, else
     *                   {@link ErrorCode#INVALID_ATTACHMENT_NOT_FOUND} and nothing changes
     * @param device if given, a check likewise: the attachment's device must be this one
     * @param force go on when the hypervisor host cannot be reached (the export is removed anyway)
     */
    VolumeAttachment detachVolume(RequestContext request, String volumeId, Optional<String> instanceId,
                                  Optional<String> device, boolean force);
}
