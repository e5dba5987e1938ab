package org.vbs.cli;

import java.util.ArrayList;
import java.util.List;
import javax.xml.datatype.DatatypeConfigurationException;
import javax.xml.datatype.DatatypeFactory;
import javax.xml.datatype.XMLGregorianCalendar;
import org.vbs.cli.generated.AttachVolumeResponseType;
import org.vbs.cli.generated.AttachVolumeType;
import org.vbs.cli.generated.CreateSnapshotResponseType;
import org.vbs.cli.generated.CreateSnapshotType;
import org.vbs.cli.generated.CreateVolumeResponseType;
import org.vbs.cli.generated.CreateVolumeType;
import org.vbs.cli.generated.DeleteSnapshotResponseType;
import org.vbs.cli.generated.DeleteSnapshotType;
import org.vbs.cli.generated.DeleteVolumeResponseType;
import org.vbs.cli.generated.DeleteVolumeType;
import org.vbs.cli.generated.DeregisterHostResponseType;
import org.vbs.cli.generated.DeregisterHostType;
import org.vbs.cli.generated.DescribeHostsResponseType;
import org.vbs.cli.generated.DescribeHostsType;
import org.vbs.cli.generated.DescribePluginsResponseType;
import org.vbs.cli.generated.DescribePluginsType;
import org.vbs.cli.generated.DescribeSnapshotsResponseType;
import org.vbs.cli.generated.DescribeSnapshotsType;
import org.vbs.cli.generated.DescribeVolumesResponseType;
import org.vbs.cli.generated.DescribeVolumesType;
import org.vbs.cli.generated.DetachVolumeResponseType;
import org.vbs.cli.generated.DetachVolumeType;
import org.vbs.cli.generated.ReconcileStorageResponseType;
import org.vbs.cli.generated.ReconcileStorageType;
import org.vbs.cli.generated.RegisterHostResponseType;
import org.vbs.cli.generated.RegisterHostType;
import org.vbs.cli.generated.VbsFault;
import org.vbs.cli.generated.VolumeServicePortType;

/**
 * A service stand-in for command tests: every operation fails unless a test overrides it; the
 * requests it got are kept in order.
 */
class FakePort implements VolumeServicePortType {
    final List<Object> requests = new ArrayList<>();

    static XMLGregorianCalendar time(String iso) {
        try {
            return DatatypeFactory.newInstance().newXMLGregorianCalendar(iso);
        } catch (DatatypeConfigurationException e) {
            throw new IllegalStateException(e);
        }
    }

    PortFactory factory() {
        return settings -> endpoint -> this;
    }

    <T> T got(Class<T> type, int index) {
        return type.cast(requests.stream().filter(type::isInstance).toList().get(index));
    }

    @Override
    public DeleteVolumeResponseType deleteVolume(DeleteVolumeType request) throws VbsFault {
        throw new UnsupportedOperationException("DeleteVolume");
    }

    @Override
    public RegisterHostResponseType registerHost(RegisterHostType request) throws VbsFault {
        throw new UnsupportedOperationException("RegisterHost");
    }

    @Override
    public DescribeHostsResponseType describeHosts(DescribeHostsType request) throws VbsFault {
        throw new UnsupportedOperationException("DescribeHosts");
    }

    @Override
    public DeregisterHostResponseType deregisterHost(DeregisterHostType request) throws VbsFault {
        throw new UnsupportedOperationException("DeregisterHost");
    }

    @Override
    public ReconcileStorageResponseType reconcileStorage(ReconcileStorageType request) throws VbsFault {
        throw new UnsupportedOperationException("ReconcileStorage");
    }

    @Override
    public DescribePluginsResponseType describePlugins(DescribePluginsType request) throws VbsFault {
        throw new UnsupportedOperationException("DescribePlugins");
    }

    @Override
    public DescribeVolumesResponseType describeVolumes(DescribeVolumesType request) throws VbsFault {
        throw new UnsupportedOperationException("DescribeVolumes");
    }

    @Override
    public DeleteSnapshotResponseType deleteSnapshot(DeleteSnapshotType request) throws VbsFault {
        throw new UnsupportedOperationException("DeleteSnapshot");
    }

    @Override
    public CreateVolumeResponseType createVolume(CreateVolumeType request) throws VbsFault {
        throw new UnsupportedOperationException("CreateVolume");
    }

    @Override
    public CreateSnapshotResponseType createSnapshot(CreateSnapshotType request) throws VbsFault {
        throw new UnsupportedOperationException("CreateSnapshot");
    }

    @Override
    public AttachVolumeResponseType attachVolume(AttachVolumeType request) throws VbsFault {
        throw new UnsupportedOperationException("AttachVolume");
    }

    @Override
    public DetachVolumeResponseType detachVolume(DetachVolumeType request) throws VbsFault {
        throw new UnsupportedOperationException("DetachVolume");
    }

    @Override
    public DescribeSnapshotsResponseType describeSnapshots(DescribeSnapshotsType request) throws VbsFault {
        throw new UnsupportedOperationException("DescribeSnapshots");
    }
}
