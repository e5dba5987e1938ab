package org.vbs.ws;

import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import javax.xml.datatype.DatatypeFactory;
import javax.xml.datatype.XMLGregorianCalendar;
import org.vbs.core.api.HostAdministration;
import org.vbs.core.api.StorageReconciliation;
import org.vbs.core.api.Page;
import org.vbs.core.api.PluginStatus;
import org.vbs.core.api.Snapshot;
import org.vbs.core.api.Volume;
import org.vbs.core.api.VolumeAttachment;
import org.vbs.ws.generated.AttachVolumeResponseType;
import org.vbs.ws.generated.AttachmentSetItemResponseType;
import org.vbs.ws.generated.AttachmentSetResponseType;
import org.vbs.ws.generated.CreateSnapshotResponseType;
import org.vbs.ws.generated.CreateVolumeResponseType;
import org.vbs.ws.generated.DeleteSnapshotResponseType;
import org.vbs.ws.generated.DeleteVolumeResponseType;
import org.vbs.ws.generated.DeregisterHostResponseType;
import org.vbs.ws.generated.DescribeHostsResponseType;
import org.vbs.ws.generated.DescribePluginsResponseType;
import org.vbs.ws.generated.DescribeSnapshotsResponseType;
import org.vbs.ws.generated.DescribeSnapshotsSetItemResponseType;
import org.vbs.ws.generated.DescribeSnapshotsSetResponseType;
import org.vbs.ws.generated.DescribeVolumesResponseType;
import org.vbs.ws.generated.DescribeVolumesSetItemResponseType;
import org.vbs.ws.generated.DescribeVolumesSetResponseType;
import org.vbs.ws.generated.DetachVolumeResponseType;
import org.vbs.ws.generated.HostProblemSetItemType;
import org.vbs.ws.generated.HostProblemSetType;
import org.vbs.ws.generated.HostPropertySetItemType;
import org.vbs.ws.generated.HostPropertySetType;
import org.vbs.ws.generated.HostSetItemType;
import org.vbs.ws.generated.HostSetType;
import org.vbs.ws.generated.PluginDriverSetItemType;
import org.vbs.ws.generated.PluginDriverSetType;
import org.vbs.ws.generated.PluginSetItemType;
import org.vbs.ws.generated.PluginSetType;
import org.vbs.ws.generated.ReconcileFindingSetItemType;
import org.vbs.ws.generated.ReconcileFindingSetType;
import org.vbs.ws.generated.ReconcileStorageResponseType;
import org.vbs.ws.generated.ReconcileUncheckedSetItemType;
import org.vbs.ws.generated.ReconcileUncheckedSetType;
import org.vbs.ws.generated.RegisterHostResponseType;
import org.vbs.ws.generated.ResourceTagSetItemType;
import org.vbs.ws.generated.ResourceTagSetType;

/**
 * Service results to wire responses. Times are UTC with millisecond precision, progress is "NN%",
 * tags are sorted by key so that the same volume always reads the same. Absent optional values are
 * left out of the message rather than sent empty.
 */
final class ResponseMapper {

    /**
     * The JDK's own factory: stateless, so one instance serves concurrent calls, and it does not
     * depend on which JAXP implementation the server puts on the class path.
     */
    private static final DatatypeFactory DATATYPES = DatatypeFactory.newDefaultInstance();

    CreateVolumeResponseType createdVolume(String requestId, Volume volume) {
        CreateVolumeResponseType response = new CreateVolumeResponseType();
        response.setRequestId(requestId);
        response.setVolumeId(volume.id());
        response.setSize(volume.sizeGiB());
        response.setSnapshotId(volume.snapshotId().orElse(null));
        response.setStatus(volume.state().wireName());
        response.setCreateTime(time(volume.createTime()));
        response.setTagSet(tags(volume.tags()));
        return response;
    }

    DeleteVolumeResponseType deletedVolume(String requestId) {
        DeleteVolumeResponseType response = new DeleteVolumeResponseType();
        response.setRequestId(requestId);
        response.setReturn(true);
        return response;
    }

    DescribeVolumesResponseType volumes(String requestId, Page<Volume> page) {
        DescribeVolumesSetResponseType set = new DescribeVolumesSetResponseType();
        for (Volume volume : page.items()) {
            DescribeVolumesSetItemResponseType item = new DescribeVolumesSetItemResponseType();
            item.setVolumeId(volume.id());
            item.setSize(volume.sizeGiB());
            item.setSnapshotId(volume.snapshotId().orElse(null));
            item.setStatus(volume.state().wireName());
            item.setCreateTime(time(volume.createTime()));
            item.setAttachmentSet(attachments(volume));
            item.setTagSet(tags(volume.tags()));
            set.getItem().add(item);
        }
        DescribeVolumesResponseType response = new DescribeVolumesResponseType();
        response.setRequestId(requestId);
        response.setVolumeSet(set);
        response.setNextToken(page.nextToken().orElse(null));
        return response;
    }

    AttachVolumeResponseType attached(String requestId, VolumeAttachment attachment) {
        AttachVolumeResponseType response = new AttachVolumeResponseType();
        response.setRequestId(requestId);
        response.setVolumeId(attachment.volumeId());
        response.setInstanceId(attachment.instanceId());
        response.setDevice(attachment.device());
        response.setStatus(attachment.status().wireName());
        response.setAttachTime(time(attachment.attachTime()));
        return response;
    }

    DetachVolumeResponseType detached(String requestId, VolumeAttachment attachment) {
        DetachVolumeResponseType response = new DetachVolumeResponseType();
        response.setRequestId(requestId);
        response.setVolumeId(attachment.volumeId());
        response.setInstanceId(attachment.instanceId());
        response.setDevice(attachment.device());
        response.setStatus(attachment.status().wireName());
        response.setAttachTime(time(attachment.attachTime()));
        return response;
    }

    CreateSnapshotResponseType createdSnapshot(String requestId, Snapshot snapshot) {
        CreateSnapshotResponseType response = new CreateSnapshotResponseType();
        response.setRequestId(requestId);
        response.setSnapshotId(snapshot.id());
        response.setVolumeId(snapshot.volumeId());
        response.setStatus(snapshot.state().wireName());
        response.setStartTime(time(snapshot.startTime()));
        response.setProgress(progress(snapshot.progress()));
        response.setVolumeSize(snapshot.volumeSizeGiB());
        response.setDescription(snapshot.description());
        return response;
    }

    DeleteSnapshotResponseType deletedSnapshot(String requestId) {
        DeleteSnapshotResponseType response = new DeleteSnapshotResponseType();
        response.setRequestId(requestId);
        response.setReturn(true);
        return response;
    }

    DescribeSnapshotsResponseType snapshots(String requestId, Page<Snapshot> page) {
        DescribeSnapshotsSetResponseType set = new DescribeSnapshotsSetResponseType();
        for (Snapshot snapshot : page.items()) {
            DescribeSnapshotsSetItemResponseType item = new DescribeSnapshotsSetItemResponseType();
            item.setSnapshotId(snapshot.id());
            item.setVolumeId(snapshot.volumeId());
            item.setStatus(snapshot.state().wireName());
            item.setStatusMessage(snapshot.stateReason().orElse(null));
            item.setStartTime(time(snapshot.startTime()));
            item.setProgress(progress(snapshot.progress()));
            item.setVolumeSize(snapshot.volumeSizeGiB());
            item.setDescription(snapshot.description());
            set.getItem().add(item);
        }
        DescribeSnapshotsResponseType response = new DescribeSnapshotsResponseType();
        response.setRequestId(requestId);
        response.setSnapshotSet(set);
        response.setNextToken(page.nextToken().orElse(null));
        return response;
    }

    DescribePluginsResponseType plugins(String requestId, List<PluginStatus.Bundle> bundles) {
        PluginSetType set = new PluginSetType();
        for (PluginStatus.Bundle bundle : bundles) {
            PluginSetItemType item = new PluginSetItemType();
            item.setFile(bundle.file());
            item.setSymbolicName(bundle.symbolicName().orElse(null));
            item.setVersion(bundle.version().orElse(null));
            item.setState(bundle.state());
            item.setProblem(bundle.problem().orElse(null));
            PluginDriverSetType drivers = new PluginDriverSetType();
            for (PluginStatus.Driver driver : bundle.drivers()) {
                PluginDriverSetItemType driverItem = new PluginDriverSetItemType();
                driverItem.setKind(driver.kind());
                driverItem.setId(driver.id());
                drivers.getItem().add(driverItem);
            }
            item.setDriverSet(drivers);
            set.getItem().add(item);
        }
        DescribePluginsResponseType response = new DescribePluginsResponseType();
        response.setRequestId(requestId);
        response.setPluginSet(set);
        return response;
    }

    RegisterHostResponseType registeredHost(String requestId, HostAdministration.Host host) {
        RegisterHostResponseType response = new RegisterHostResponseType();
        response.setRequestId(requestId);
        response.setHost(host(host));
        return response;
    }

    DescribeHostsResponseType hosts(String requestId, List<HostAdministration.Host> hosts) {
        HostSetType set = new HostSetType();
        hosts.forEach(host -> set.getItem().add(host(host)));
        DescribeHostsResponseType response = new DescribeHostsResponseType();
        response.setRequestId(requestId);
        response.setHostSet(set);
        return response;
    }

    DeregisterHostResponseType deregisteredHost(String requestId) {
        DeregisterHostResponseType response = new DeregisterHostResponseType();
        response.setRequestId(requestId);
        response.setReturn(true);
        return response;
    }

    /** A run's findings and what it could not check, in the order the run made them. */
    ReconcileStorageResponseType reconciled(String requestId, StorageReconciliation.Report report) {
        ReconcileFindingSetType findings = new ReconcileFindingSetType();
        for (StorageReconciliation.Finding finding : report.findings()) {
            ReconcileFindingSetItemType item = new ReconcileFindingSetItemType();
            item.setHostName(finding.host());
            item.setKind(finding.kind().wireName());
            item.setResourceId(finding.resourceId());
            item.setDetail(finding.detail());
            item.setOutcome(finding.outcome().wireName());
            item.setProblem(finding.problem().orElse(null));
            findings.getItem().add(item);
        }
        ReconcileUncheckedSetType unchecked = new ReconcileUncheckedSetType();
        for (StorageReconciliation.Unchecked each : report.unchecked()) {
            ReconcileUncheckedSetItemType item = new ReconcileUncheckedSetItemType();
            item.setHostName(each.host());
            item.setWhat(each.what());
            item.setReason(each.reason());
            unchecked.getItem().add(item);
        }
        ReconcileStorageResponseType response = new ReconcileStorageResponseType();
        response.setRequestId(requestId);
        response.setNode(report.node());
        response.setPolicy(report.policy().wireName());
        response.setTime(time(report.time()));
        response.setFindingSet(findings);
        response.setUncheckedSet(unchecked);
        return response;
    }

    /** One host; drivers, properties and problems each sorted, so a host always reads the same. */
    private static HostSetItemType host(HostAdministration.Host host) {
        HostSetItemType item = new HostSetItemType();
        item.setHostName(host.name());
        item.setTransport(host.transport());
        item.setAddress(host.address());
        PluginDriverSetType drivers = new PluginDriverSetType();
        new TreeMap<>(host.drivers()).forEach((kind, id) -> {
            PluginDriverSetItemType driver = new PluginDriverSetItemType();
            driver.setKind(kind);
            driver.setId(id);
            drivers.getItem().add(driver);
        });
        item.setDriverSet(drivers);
        HostPropertySetType properties = new HostPropertySetType();
        new TreeMap<>(host.properties()).forEach((key, value) -> {
            HostPropertySetItemType property = new HostPropertySetItemType();
            property.setKey(key);
            property.setValue(value);
            properties.getItem().add(property);
        });
        item.setPropertySet(properties);
        HostProblemSetType problems = new HostProblemSetType();
        new TreeMap<>(host.problems()).forEach((kind, message) -> {
            HostProblemSetItemType problem = new HostProblemSetItemType();
            problem.setKind(kind);
            problem.setMessage(message);
            problems.getItem().add(problem);
        });
        item.setProblemSet(problems);
        return item;
    }

    private static XMLGregorianCalendar time(Instant instant) {
        return DATATYPES.newXMLGregorianCalendar(
                DateTimeFormatter.ISO_INSTANT.format(instant.truncatedTo(ChronoUnit.MILLIS)));
    }

    private static String progress(int percent) {
        return percent + "%";
    }

    /**
     * EC2's attachmentSet, always present (empty when the volume is not attached). The host and the
     * export (target, CHAP account) stay out: they are the service's business, not the owner's.
     */
    private static AttachmentSetResponseType attachments(Volume volume) {
        AttachmentSetResponseType set = new AttachmentSetResponseType();
        volume.attachment().ifPresent(attachment -> {
            AttachmentSetItemResponseType item = new AttachmentSetItemResponseType();
            item.setVolumeId(attachment.volumeId());
            item.setInstanceId(attachment.instanceId());
            item.setDevice(attachment.device());
            item.setStatus(attachment.status().wireName());
            item.setAttachTime(time(attachment.attachTime()));
            // VBS never deletes a volume because an instance ended.
            item.setDeleteOnTermination(false);
            set.getItem().add(item);
        });
        return set;
    }

    /** Null (element left out) when there are no tags, as EC2 does. */
    private static ResourceTagSetType tags(Map<String, String> tags) {
        if (tags.isEmpty()) {
            return null;
        }
        ResourceTagSetType set = new ResourceTagSetType();
        new TreeMap<>(tags).forEach((key, value) -> {
            ResourceTagSetItemType item = new ResourceTagSetItemType();
            item.setKey(key);
            item.setValue(value);
            set.getItem().add(item);
        });
        return set;
    }
}
