package org.vbs.core.service;

import jakarta.ejb.EJB;
import jakarta.ejb.Local;
import jakarta.ejb.Stateless;
import jakarta.ejb.TransactionManagement;
import jakarta.ejb.TransactionManagementType;
import org.vbs.core.api.CreateVolumeRequest;
import org.vbs.core.api.DescribeRequest;
import org.vbs.core.api.Page;
import org.vbs.core.api.Snapshot;
import org.vbs.core.api.Volume;
import org.vbs.core.api.VolumeService;
import org.vbs.security.GridIdentity;

/**
 * The {@link VolumeService} EJB the endpoints call. Bean-managed transactions, so the container
 * opens none around a call: the workflows run their own short metadata transactions.
 */
@Stateless
@Local(VolumeService.class)
@TransactionManagement(TransactionManagementType.BEAN)
public class VolumeServiceBean implements VolumeService {
    @EJB
    private ServiceCoreBean core;

    @Override
    public Volume createVolume(GridIdentity caller, CreateVolumeRequest request) {
        return core.service().createVolume(caller, request);
    }

    @Override
    public Volume deleteVolume(GridIdentity caller, String volumeId) {
        return core.service().deleteVolume(caller, volumeId);
    }

    @Override
    public Page<Volume> describeVolumes(GridIdentity caller, DescribeRequest request) {
        return core.service().describeVolumes(caller, request);
    }

    @Override
    public Snapshot createSnapshot(GridIdentity caller, String volumeId, String description) {
        return core.service().createSnapshot(caller, volumeId, description);
    }

    @Override
    public void deleteSnapshot(GridIdentity caller, String snapshotId) {
        core.service().deleteSnapshot(caller, snapshotId);
    }

    @Override
    public Page<Snapshot> describeSnapshots(GridIdentity caller, DescribeRequest request) {
        return core.service().describeSnapshots(caller, request);
    }
}
