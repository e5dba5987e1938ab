package org.vbs.it.support;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicReference;
import org.vbs.it.client.AttachVolumeResponseType;
import org.vbs.it.client.AttachVolumeType;
import org.vbs.it.client.CreateSnapshotResponseType;
import org.vbs.it.client.CreateSnapshotType;
import org.vbs.it.client.CreateVolumeResponseType;
import org.vbs.it.client.CreateVolumeType;
import org.vbs.it.client.DeleteSnapshotType;
import org.vbs.it.client.DeleteVolumeType;
import org.vbs.it.client.DeregisterHostType;
import org.vbs.it.client.DescribeHostsSetItemType;
import org.vbs.it.client.DescribeHostsSetType;
import org.vbs.it.client.DescribeHostsType;
import org.vbs.it.client.DescribeSnapshotsResponseType;
import org.vbs.it.client.DescribeSnapshotsSetItemResponseType;
import org.vbs.it.client.DescribeSnapshotsSetItemType;
import org.vbs.it.client.DescribeSnapshotsSetType;
import org.vbs.it.client.DescribeSnapshotsType;
import org.vbs.it.client.DescribeVolumesResponseType;
import org.vbs.it.client.DescribeVolumesSetItemResponseType;
import org.vbs.it.client.DescribeVolumesSetItemType;
import org.vbs.it.client.DescribeVolumesSetType;
import org.vbs.it.client.DescribeVolumesType;
import org.vbs.it.client.DetachVolumeResponseType;
import org.vbs.it.client.DetachVolumeType;
import org.vbs.it.client.FilterSetType;
import org.vbs.it.client.FilterType;
import org.vbs.it.client.HostPropertySetItemType;
import org.vbs.it.client.HostPropertySetType;
import org.vbs.it.client.HostSetItemType;
import org.vbs.it.client.RegisterHostType;
import org.vbs.it.client.ValueSetType;
import org.vbs.it.client.ValueType;
import org.vbs.it.client.VbsFault;
import org.vbs.it.client.VolumeServicePortType;
import org.vbs.security.Credential;

/**
 * One signed caller of the service (a DN and its port), with the requests the tests make spelled
 * once. Everything goes over the wire: nothing here touches the server's insides.
 *
 * @param dn the subject DN the caller signs with (RFC 2253)
 * @param credential the caller's key and certificate (to make further ports for other threads)
 * @param port a port signing as that DN (one thread at a time)
 */
public record Caller(String dn, Credential credential, VolumeServicePortType port) {

    // ------------------------------------------------------------------ volumes

    public CreateVolumeResponseType createVolume(long sizeGiB) throws VbsFault {
        return createVolume(Long.toString(sizeGiB), Optional.empty());
    }

    /** CreateVolume with the size as the wire carries it (text, so that bad values reach the service). */
    public CreateVolumeResponseType createVolume(String size, Optional<String> clientToken) throws VbsFault {
        CreateVolumeType request = new CreateVolumeType();
        request.setSize(size);
        clientToken.ifPresent(request::setClientToken);
        return port.createVolume(request);
    }

    /** CreateVolume from a snapshot, with the snapshot's size. */
    public CreateVolumeResponseType createVolumeFromSnapshot(String snapshotId) throws VbsFault {
        CreateVolumeType request = new CreateVolumeType();
        request.setSnapshotId(snapshotId);
        return port.createVolume(request);
    }

    public void deleteVolume(String volumeId) throws VbsFault {
        DeleteVolumeType request = new DeleteVolumeType();
        request.setVolumeId(volumeId);
        port.deleteVolume(request);
    }

    public AttachVolumeResponseType attachVolume(String volumeId, String host, String instanceId, String device)
            throws VbsFault {
        AttachVolumeType request = new AttachVolumeType();
        request.setVolumeId(volumeId);
        request.setHost(host);
        request.setInstanceId(instanceId);
        request.setDevice(device);
        return port.attachVolume(request);
    }

    /** DetachVolume; an empty check or force is left out of the request. */
    public DetachVolumeResponseType detachVolume(String volumeId, Optional<String> instanceId, Optional<String> device,
                                                 boolean force) throws VbsFault {
        DetachVolumeType request = new DetachVolumeType();
        request.setVolumeId(volumeId);
        request.setInstanceId(instanceId.orElse(null));
        request.setDevice(device.orElse(null));
        request.setForce(force ? Boolean.TRUE : null);
        return port.detachVolume(request);
    }

    /** One DescribeVolumes call, exactly as given. */
    public DescribeVolumesResponseType describeVolumes(List<String> ids, Map<String, List<String>> filters,
                                                       Optional<Integer> maxResults, Optional<String> nextToken)
            throws VbsFault {
        DescribeVolumesType request = new DescribeVolumesType();
        if (!ids.isEmpty()) {
            DescribeVolumesSetType set = new DescribeVolumesSetType();
            for (String id : ids) {
                DescribeVolumesSetItemType item = new DescribeVolumesSetItemType();
                item.setVolumeId(id);
                set.getItem().add(item);
            }
            request.setVolumeSet(set);
        }
        if (!filters.isEmpty()) {
            request.setFilterSet(filters(filters));
        }
        maxResults.ifPresent(request::setMaxResults);
        nextToken.ifPresent(request::setNextToken);
        return port.describeVolumes(request);
    }

    /** Every volume the caller sees, following nextToken through all pages. */
    public List<DescribeVolumesSetItemResponseType> allVolumes(Map<String, List<String>> filters) throws VbsFault {
        List<DescribeVolumesSetItemResponseType> all = new ArrayList<>();
        Optional<String> token = Optional.empty();
        do {
            DescribeVolumesResponseType page = describeVolumes(List.of(), filters, Optional.empty(), token);
            all.addAll(page.getVolumeSet().getItem());
            token = Optional.ofNullable(page.getNextToken());
        } while (token.isPresent());
        return all;
    }

    /** The ids of every volume the caller sees. */
    public Set<String> volumeIds() throws VbsFault {
        Set<String> ids = new TreeSet<>();
        for (DescribeVolumesSetItemResponseType volume : allVolumes(Map.of())) {
            ids.add(volume.getVolumeId());
        }
        return ids;
    }

    /** The one volume with this id, as DescribeVolumes shows it. */
    public DescribeVolumesSetItemResponseType volume(String volumeId) throws VbsFault {
        List<DescribeVolumesSetItemResponseType> found =
                describeVolumes(List.of(volumeId), Map.of(), Optional.empty(), Optional.empty()).getVolumeSet().getItem();
        if (found.size() != 1 || !found.get(0).getVolumeId().equals(volumeId)) {
            throw new AssertionError("DescribeVolumes " + volumeId + " answered " + found.size() + " volumes");
        }
        return found.get(0);
    }

    // ------------------------------------------------------------------ snapshots

    public CreateSnapshotResponseType createSnapshot(String volumeId, String description) throws VbsFault {
        CreateSnapshotType request = new CreateSnapshotType();
        request.setVolumeId(volumeId);
        request.setDescription(description);
        return port.createSnapshot(request);
    }

    public void deleteSnapshot(String snapshotId) throws VbsFault {
        DeleteSnapshotType request = new DeleteSnapshotType();
        request.setSnapshotId(snapshotId);
        port.deleteSnapshot(request);
    }

    /** One DescribeSnapshots call, exactly as given. */
    public DescribeSnapshotsResponseType describeSnapshots(List<String> ids, Map<String, List<String>> filters,
                                                           Optional<Integer> maxResults, Optional<String> nextToken)
            throws VbsFault {
        DescribeSnapshotsType request = new DescribeSnapshotsType();
        if (!ids.isEmpty()) {
            DescribeSnapshotsSetType set = new DescribeSnapshotsSetType();
            for (String id : ids) {
                DescribeSnapshotsSetItemType item = new DescribeSnapshotsSetItemType();
                item.setSnapshotId(id);
                set.getItem().add(item);
            }
            request.setSnapshotSet(set);
        }
        if (!filters.isEmpty()) {
            request.setFilterSet(filters(filters));
        }
        maxResults.ifPresent(request::setMaxResults);
        nextToken.ifPresent(request::setNextToken);
        return port.describeSnapshots(request);
    }

    /** The ids of every snapshot the caller sees, following nextToken through all pages. */
    public Set<String> snapshotIds() throws VbsFault {
        Set<String> ids = new TreeSet<>();
        Optional<String> token = Optional.empty();
        do {
            DescribeSnapshotsResponseType page = describeSnapshots(List.of(), Map.of(), Optional.empty(), token);
            page.getSnapshotSet().getItem().forEach(snapshot -> ids.add(snapshot.getSnapshotId()));
            token = Optional.ofNullable(page.getNextToken());
        } while (token.isPresent());
        return ids;
    }

    /** The one snapshot with this id, as DescribeSnapshots shows it. */
    public DescribeSnapshotsSetItemResponseType snapshot(String snapshotId) throws VbsFault {
        List<DescribeSnapshotsSetItemResponseType> found = describeSnapshots(List.of(snapshotId), Map.of(),
                Optional.empty(), Optional.empty()).getSnapshotSet().getItem();
        if (found.size() != 1 || !found.get(0).getSnapshotId().equals(snapshotId)) {
            throw new AssertionError("DescribeSnapshots " + snapshotId + " answered " + found.size() + " snapshots");
        }
        return found.get(0);
    }

    // ------------------------------------------------------------------ waiting for the asynchronous

    /** Long enough for a full copy of a big sparse volume on a busy 2-core machine; never a speed claim. */
    public static final Duration PATIENCE = Duration.ofMinutes(3);

    /** Waits until DescribeVolumes shows the volume in the state, and returns it. */
    public DescribeVolumesSetItemResponseType awaitVolume(String volumeId, String status) throws Exception {
        AtomicReference<String> seen = new AtomicReference<>("nothing yet");
        return Await.until("volume " + volumeId + " to be " + status, PATIENCE, () -> {
            DescribeVolumesSetItemResponseType volume = volume(volumeId);
            seen.set(volume.getStatus());
            return Optional.of(volume).filter(v -> status.equals(v.getStatus()));
        }, seen::get);
    }

    /** Waits until the snapshot is completed, and returns it; fails at once if it went to error. */
    public DescribeSnapshotsSetItemResponseType awaitSnapshotCompleted(String snapshotId) throws Exception {
        AtomicReference<String> seen = new AtomicReference<>("nothing yet");
        return Await.until("snapshot " + snapshotId + " to be completed", PATIENCE, () -> {
            DescribeSnapshotsSetItemResponseType snapshot = snapshot(snapshotId);
            seen.set(snapshot.getStatus() + " " + snapshot.getProgress());
            if ("error".equals(snapshot.getStatus())) {
                throw new AssertionError("snapshot " + snapshotId + " failed: " + snapshot.getStatusMessage());
            }
            return Optional.of(snapshot).filter(s -> "completed".equals(s.getStatus()));
        }, seen::get);
    }

    /** Waits until DescribeVolumes no longer knows the volume (InvalidVolume.NotFound). */
    public void awaitVolumeGone(String volumeId) throws Exception {
        AtomicReference<String> seen = new AtomicReference<>("nothing yet");
        Await.until("volume " + volumeId + " to be gone", PATIENCE, () -> {
            try {
                seen.set(volume(volumeId).getStatus());
                return Optional.empty();
            } catch (VbsFault fault) {
                seen.set(Faults.code(fault));
                return Optional.of(fault).filter(f -> "InvalidVolume.NotFound".equals(Faults.code(f)));
            }
        }, seen::get);
    }

    /**
     * Cleans up after a test: deletes the volumes and waits until they are gone, so no deletion is
     * still running when the next test looks at the pool.
     */
    public void deleteVolumes(String... volumeIds) throws Exception {
        for (String volumeId : volumeIds) {
            deleteVolume(volumeId);
        }
        for (String volumeId : volumeIds) {
            awaitVolumeGone(volumeId);
        }
    }

    /** Cleans up after a test: deletes the snapshots and waits until they are gone. */
    public void deleteSnapshots(String... snapshotIds) throws Exception {
        for (String snapshotId : snapshotIds) {
            deleteSnapshot(snapshotId);
        }
        for (String snapshotId : snapshotIds) {
            awaitSnapshotGone(snapshotId);
        }
    }

    /** Waits until DescribeSnapshots no longer knows the snapshot (InvalidSnapshot.NotFound). */
    public void awaitSnapshotGone(String snapshotId) throws Exception {
        AtomicReference<String> seen = new AtomicReference<>("nothing yet");
        Await.until("snapshot " + snapshotId + " to be gone", PATIENCE, () -> {
            try {
                seen.set(snapshot(snapshotId).getStatus());
                return Optional.empty();
            } catch (VbsFault fault) {
                seen.set(Faults.code(fault));
                return Optional.of(fault).filter(f -> "InvalidSnapshot.NotFound".equals(Faults.code(f)));
            }
        }, seen::get);
    }

    private static FilterSetType filters(Map<String, List<String>> filters) {
        FilterSetType set = new FilterSetType();
        filters.forEach((name, values) -> {
            FilterType filter = new FilterType();
            filter.setName(name);
            ValueSetType valueSet = new ValueSetType();
            for (String value : values) {
                ValueType item = new ValueType();
                item.setValue(value);
                valueSet.getItem().add(item);
            }
            filter.setValueSet(valueSet);
            set.getItem().add(filter);
        });
        return set;
    }

    /** DescribeHosts of the named hosts, or of every host when none is named. */
    public List<HostSetItemType> describeHosts(String... names) throws VbsFault {
        DescribeHostsType request = new DescribeHostsType();
        if (names.length > 0) {
            request.setHostSet(new DescribeHostsSetType());
            for (String name : names) {
                DescribeHostsSetItemType item = new DescribeHostsSetItemType();
                item.setHostName(name);
                request.getHostSet().getItem().add(item);
            }
        }
        return port.describeHosts(request).getHostSet().getItem();
    }

    /** DeregisterHost; its answer (true once the host is deregistered). */
    public boolean deregisterHost(String name) throws VbsFault {
        DeregisterHostType request = new DeregisterHostType();
        request.setHostName(name);
        return port.deregisterHost(request).isReturn();
    }

    /** A RegisterHost request: the host's name and the key/value items of its host file (in key order). */
    public static RegisterHostType registration(String name, Map<String, String> properties) {
        RegisterHostType request = new RegisterHostType();
        request.setHostName(name);
        request.setPropertySet(new HostPropertySetType());
        new java.util.TreeMap<>(properties).forEach((key, value) -> {
            HostPropertySetItemType item = new HostPropertySetItemType();
            item.setKey(key);
            item.setValue(value);
            request.getPropertySet().getItem().add(item);
        });
        return request;
    }
}
