package org.vbs.core.service;

import java.util.Objects;
import java.util.function.Supplier;
import org.jboss.logging.Logger;
import org.vbs.core.api.CreateVolumeRequest;
import org.vbs.core.api.DescribeRequest;
import org.vbs.core.api.ErrorCode;
import org.vbs.core.api.Page;
import org.vbs.core.api.Snapshot;
import org.vbs.core.api.VbsException;
import org.vbs.core.api.Volume;
import org.vbs.core.api.VolumeService;
import org.vbs.security.GridIdentity;

/**
 * The {@link VolumeService} as plain Java: the EJB delegates here, and tests call it directly.
 * Every fault leaving it is a {@link VbsException}; anything else that escapes a workflow (a bug, a
 * store failure) is logged with the operation and becomes an InternalError.
 */
public final class VolumeServiceCore implements VolumeService {
    private static final Logger LOG = Logger.getLogger(VolumeServiceCore.class);

    private final VolumeWorkflow volumes;
    private final SnapshotWorkflow snapshots;

    public VolumeServiceCore(CoreContext core) {
        this.volumes = new VolumeWorkflow(core);
        this.snapshots = new SnapshotWorkflow(core);
    }

    @Override
    public Volume createVolume(GridIdentity caller, CreateVolumeRequest request) {
        Objects.requireNonNull(request, "request");
        return guard(VolumeWorkflow.CREATE, caller, () -> volumes.create(caller.dn(), request));
    }

    @Override
    public Volume deleteVolume(GridIdentity caller, String volumeId) {
        return guard(VolumeWorkflow.DELETE, caller, () -> volumes.delete(caller.dn(), volumeId));
    }

    @Override
    public Page<Volume> describeVolumes(GridIdentity caller, DescribeRequest request) {
        Objects.requireNonNull(request, "request");
        return guard("DescribeVolumes", caller, () -> volumes.describe(caller.dn(), request));
    }

    @Override
    public Snapshot createSnapshot(GridIdentity caller, String volumeId, String description) {
        return guard(SnapshotWorkflow.CREATE, caller, () -> snapshots.create(caller.dn(), volumeId, description));
    }

    @Override
    public void deleteSnapshot(GridIdentity caller, String snapshotId) {
        guard(SnapshotWorkflow.DELETE, caller, () -> {
            snapshots.delete(caller.dn(), snapshotId);
            return null;
        });
    }

    @Override
    public Page<Snapshot> describeSnapshots(GridIdentity caller, DescribeRequest request) {
        Objects.requireNonNull(request, "request");
        return guard("DescribeSnapshots", caller, () -> snapshots.describe(caller.dn(), request));
    }

    private static <T> T guard(String operation, GridIdentity caller, Supplier<T> call) {
        Objects.requireNonNull(caller, "caller");
        try {
            return call.get();
        } catch (VbsException e) {
            LOG.debugf("%s for %s refused: %s %s", operation, caller, e.code().code(), e.getMessage());
            throw e;
        } catch (RuntimeException e) {
            LOG.errorf(e, "%s for %s failed unexpectedly", operation, caller);
            throw new VbsException(ErrorCode.INTERNAL_ERROR, operation + " failed unexpectedly: " + e.getMessage(), e);
        }
    }
}
