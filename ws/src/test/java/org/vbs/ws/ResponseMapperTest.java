package org.vbs.ws;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.vbs.core.api.Page;
import org.vbs.core.api.PluginStatus;
import org.vbs.core.api.Snapshot;
import org.vbs.core.api.SnapshotState;
import org.vbs.core.api.Volume;
import org.vbs.core.api.VolumeAttachment;
import org.vbs.core.api.VolumeState;
import org.vbs.ws.generated.AttachVolumeResponseType;
import org.vbs.ws.generated.AttachmentSetItemResponseType;
import org.vbs.ws.generated.CreateSnapshotResponseType;
import org.vbs.ws.generated.CreateVolumeResponseType;
import org.vbs.ws.generated.DescribePluginsResponseType;
import org.vbs.ws.generated.DescribeSnapshotsResponseType;
import org.vbs.ws.generated.DescribeSnapshotsSetItemResponseType;
import org.vbs.ws.generated.DescribeVolumesResponseType;
import org.vbs.ws.generated.DescribeVolumesSetItemResponseType;
import org.vbs.ws.generated.DetachVolumeResponseType;
import org.vbs.ws.generated.PluginSetItemType;
import org.vbs.ws.generated.ResourceTagSetType;

class ResponseMapperTest {

    private static final String REQUEST_ID = "5f0c2a8e-0000-4000-8000-000000000001";
    private static final String OWNER = "CN=Alice,O=Grid";
    /** Has sub-millisecond digits, which the wire drops. */
    private static final Instant CREATED = Instant.parse("2026-11-25T04:33:55.123456789Z");

    private final ResponseMapper mapper = new ResponseMapper();

    @Test
    void shouldMapACreatedVolumeWithUtcTimeAndTagsSortedByKey() {
        Volume volume = new Volume("vol-0123456789abcdef0", OWNER, 10, Optional.of("snap-0123456789abcdef0"),
                VolumeState.CREATING, Optional.empty(), CREATED, Map.of("zone", "a", "app", "db"), Optional.empty(), 1);

        CreateVolumeResponseType response = mapper.createdVolume(REQUEST_ID, volume);

        assertEquals(REQUEST_ID, response.getRequestId());
        assertEquals("vol-0123456789abcdef0", response.getVolumeId());
        assertEquals(10, response.getSize());
        assertEquals("snap-0123456789abcdef0", response.getSnapshotId());
        assertEquals("creating", response.getStatus());
        assertEquals("2026-11-25T04:33:55.123Z", response.getCreateTime().toXMLFormat());
        assertEquals(List.of("app=db", "zone=a"), tagList(response.getTagSet()));
    }

    @Test
    void shouldLeaveOutAbsentSnapshotIdAndEmptyTags() {
        Volume volume = new Volume("vol-0123456789abcdef0", OWNER, 1, Optional.empty(), VolumeState.AVAILABLE,
                Optional.empty(), CREATED, Map.of(), Optional.empty(), 2);

        CreateVolumeResponseType response = mapper.createdVolume(REQUEST_ID, volume);

        assertNull(response.getSnapshotId());
        assertNull(response.getTagSet());
    }

    @Test
    void shouldMapAPageOfVolumesWithItsNextToken() {
        Volume first = new Volume("vol-00000000000000001", OWNER, 1, Optional.empty(), VolumeState.AVAILABLE,
                Optional.empty(), CREATED, Map.of("k", "v"), Optional.empty(), 1);
        Volume second = new Volume("vol-00000000000000002", OWNER, 2048, Optional.of("snap-00000000000000001"),
                VolumeState.ERROR, Optional.of("copy failed"), CREATED, Map.of(), Optional.empty(), 3);

        DescribeVolumesResponseType response = mapper.volumes(REQUEST_ID,
                new Page<>(List.of(first, second), Optional.of("next-page")));

        assertEquals(REQUEST_ID, response.getRequestId());
        assertEquals("next-page", response.getNextToken());
        List<DescribeVolumesSetItemResponseType> items = response.getVolumeSet().getItem();
        assertEquals(List.of("vol-00000000000000001", "vol-00000000000000002"),
                items.stream().map(DescribeVolumesSetItemResponseType::getVolumeId).toList());
        assertEquals(2048, items.get(1).getSize());
        assertEquals("error", items.get(1).getStatus());
        assertEquals("snap-00000000000000001", items.get(1).getSnapshotId());
        assertEquals(List.of("k=v"), tagList(items.get(0).getTagSet()));
        assertEquals("2026-11-25T04:33:55.123Z", items.get(0).getCreateTime().toXMLFormat());
    }

    @Test
    void shouldDescribeAnAttachmentAsEc2sAttachmentSetWithoutTheHost() {
        VolumeAttachment attachment = new VolumeAttachment("vol-0123456789abcdef0", "vm-42", "kvm7", "/dev/vdb",
                VolumeAttachment.Status.ATTACHED, CREATED);
        Volume volume = new Volume("vol-0123456789abcdef0", OWNER, 1, Optional.empty(), VolumeState.IN_USE,
                Optional.empty(), CREATED, Map.of(), Optional.of(attachment), 4);

        DescribeVolumesSetItemResponseType item = mapper.volumes(REQUEST_ID,
                new Page<>(List.of(volume), Optional.empty())).getVolumeSet().getItem().get(0);

        assertEquals("in-use", item.getStatus());
        List<AttachmentSetItemResponseType> attachments = item.getAttachmentSet().getItem();
        assertEquals(1, attachments.size());
        AttachmentSetItemResponseType only = attachments.get(0);
        assertEquals("vol-0123456789abcdef0", only.getVolumeId());
        assertEquals("vm-42", only.getInstanceId());
        assertEquals("/dev/vdb", only.getDevice());
        assertEquals("attached", only.getStatus());
        assertEquals("2026-11-25T04:33:55.123Z", only.getAttachTime().toXMLFormat());
        assertFalse(only.isDeleteOnTermination());
    }

    @Test
    void shouldSendAnEmptyAttachmentSetForAVolumeThatIsNotAttached() {
        Volume volume = new Volume("vol-0123456789abcdef0", OWNER, 1, Optional.empty(), VolumeState.AVAILABLE,
                Optional.empty(), CREATED, Map.of(), Optional.empty(), 1);

        DescribeVolumesSetItemResponseType item = mapper.volumes(REQUEST_ID,
                new Page<>(List.of(volume), Optional.empty())).getVolumeSet().getItem().get(0);

        assertTrue(item.getAttachmentSet().getItem().isEmpty());
    }

    @Test
    void shouldAnswerAttachAndDetachWithTheAttachment() {
        VolumeAttachment attaching = new VolumeAttachment("vol-0123456789abcdef0", "vm-42", "kvm7", "vdb",
                VolumeAttachment.Status.ATTACHED, CREATED);

        AttachVolumeResponseType attached = mapper.attached(REQUEST_ID, attaching);
        DetachVolumeResponseType detached = mapper.detached(REQUEST_ID, new VolumeAttachment(
                "vol-0123456789abcdef0", "vm-42", "kvm7", "vdb", VolumeAttachment.Status.DETACHED, CREATED));

        assertEquals(REQUEST_ID, attached.getRequestId());
        assertEquals("vol-0123456789abcdef0", attached.getVolumeId());
        assertEquals("vm-42", attached.getInstanceId());
        assertEquals("vdb", attached.getDevice());
        assertEquals("attached", attached.getStatus());
        assertEquals("2026-11-25T04:33:55.123Z", attached.getAttachTime().toXMLFormat());
        assertEquals(REQUEST_ID, detached.getRequestId());
        assertEquals("detached", detached.getStatus());
        assertEquals("vm-42", detached.getInstanceId());
    }

    @Test
    void shouldSendAnEmptyVolumeSetAndNoTokenForTheLastEmptyPage() {
        DescribeVolumesResponseType response = mapper.volumes(REQUEST_ID, new Page<>(List.of(), Optional.empty()));

        assertTrue(response.getVolumeSet().getItem().isEmpty());
        assertNull(response.getNextToken());
    }

    @Test
    void shouldMapACreatedSnapshotWithProgressAsPercent() {
        Snapshot snapshot = new Snapshot("snap-0123456789abcdef0", OWNER, "vol-0123456789abcdef0", 8,
                "before upgrade", SnapshotState.PENDING, 0, Optional.empty(), CREATED, 1);

        CreateSnapshotResponseType response = mapper.createdSnapshot(REQUEST_ID, snapshot);

        assertEquals(REQUEST_ID, response.getRequestId());
        assertEquals("snap-0123456789abcdef0", response.getSnapshotId());
        assertEquals("vol-0123456789abcdef0", response.getVolumeId());
        assertEquals("pending", response.getStatus());
        assertEquals("0%", response.getProgress());
        assertEquals(8, response.getVolumeSize());
        assertEquals("before upgrade", response.getDescription());
        assertEquals("2026-11-25T04:33:55.123Z", response.getStartTime().toXMLFormat());
    }

    @Test
    void shouldMapAPageOfSnapshotsWithTheReasonOfAnError() {
        Snapshot failed = new Snapshot("snap-00000000000000001", OWNER, "vol-00000000000000001", 1, "",
                SnapshotState.ERROR, 40, Optional.of("the pool is full"), CREATED, 2);
        Snapshot done = new Snapshot("snap-00000000000000002", OWNER, "vol-00000000000000001", 1, "nightly",
                SnapshotState.COMPLETED, 100, Optional.empty(), CREATED, 2);

        DescribeSnapshotsResponseType response = mapper.snapshots(REQUEST_ID,
                new Page<>(List.of(failed, done), Optional.of("t")));

        List<DescribeSnapshotsSetItemResponseType> items = response.getSnapshotSet().getItem();
        assertEquals("error", items.get(0).getStatus());
        assertEquals("the pool is full", items.get(0).getStatusMessage());
        assertEquals("40%", items.get(0).getProgress());
        assertEquals("completed", items.get(1).getStatus());
        assertNull(items.get(1).getStatusMessage());
        assertEquals("100%", items.get(1).getProgress());
        assertEquals("nightly", items.get(1).getDescription());
        assertEquals("t", response.getNextToken());
    }

    @Test
    void shouldMapPluginsIncludingOnesThatCouldNotBeInstalled() {
        PluginStatus.Bundle active = new PluginStatus.Bundle("volume-file.jar", Optional.of("org.vbs.volume.file"),
                Optional.of("0.1.0"), "ACTIVE", Optional.empty(), List.of(new PluginStatus.Driver("volume", "file"),
                        new PluginStatus.Driver("export", "tgt")));
        PluginStatus.Bundle broken = new PluginStatus.Bundle("junk.jar", Optional.empty(), Optional.empty(),
                "REFUSED", Optional.of("refused, not installed: is not signed"), List.of());

        DescribePluginsResponseType response = mapper.plugins(REQUEST_ID, List.of(active, broken));

        assertEquals(REQUEST_ID, response.getRequestId());
        List<PluginSetItemType> items = response.getPluginSet().getItem();
        assertEquals("volume-file.jar", items.get(0).getFile());
        assertEquals("org.vbs.volume.file", items.get(0).getSymbolicName());
        assertEquals("0.1.0", items.get(0).getVersion());
        assertEquals("ACTIVE", items.get(0).getState());
        assertNull(items.get(0).getProblem());
        assertEquals(List.of("volume/file", "export/tgt"), items.get(0).getDriverSet().getItem().stream()
                .map(d -> d.getKind() + "/" + d.getId()).toList());
        assertNull(items.get(1).getSymbolicName());
        assertNull(items.get(1).getVersion());
        assertEquals("REFUSED", items.get(1).getState());
        assertEquals("refused, not installed: is not signed", items.get(1).getProblem());
        assertEquals(List.of(), items.get(1).getDriverSet().getItem());
    }

    @Test
    void shouldAnswerDeletesWithTrue() {
        assertTrue(mapper.deletedVolume(REQUEST_ID).isReturn());
        assertEquals(REQUEST_ID, mapper.deletedVolume(REQUEST_ID).getRequestId());
        assertTrue(mapper.deletedSnapshot(REQUEST_ID).isReturn());
        assertEquals(REQUEST_ID, mapper.deletedSnapshot(REQUEST_ID).getRequestId());
    }

    private static List<String> tagList(ResourceTagSetType tags) {
        return tags.getItem().stream().map(t -> t.getKey() + "=" + t.getValue()).toList();
    }
}
