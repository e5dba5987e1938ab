package org.vbs.cli;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.vbs.cli.generated.ReconcileFindingSetItemType;
import org.vbs.cli.generated.ReconcileStorageResponseType;
import org.vbs.cli.generated.ReconcileUncheckedSetItemType;

/**
 * The layout of every answer. JSON keys are the wire names of the SOAP API (volumeId, size,
 * status, ...); every key is always present (null when the service sent no value), so scripts can
 * rely on the shape.
 */
public final class Reports {
    private static final List<String> VOLUME_COLUMNS =
            List.of("VOLUME ID", "SIZE (GiB)", "SNAPSHOT", "STATUS", "INSTANCE", "DEVICE", "ATTACHMENT", "CREATED",
                    "TAGS");
    private static final List<String> ATTACHMENT_COLUMNS =
            List.of("VOLUME ID", "INSTANCE", "DEVICE", "STATUS", "ATTACHED");
    private static final List<String> SNAPSHOT_COLUMNS =
            List.of("SNAPSHOT ID", "VOLUME ID", "STATUS", "PROGRESS", "SIZE (GiB)", "STARTED", "DESCRIPTION", "MESSAGE");
    private static final List<String> PLUGIN_COLUMNS = List.of("FILE", "SYMBOLIC NAME", "VERSION", "STATE", "DRIVERS",
            "PROBLEM");

    private static final List<String> FINDING_COLUMNS = List.of("HOST", "KIND", "RESOURCE", "DETAIL", "OUTCOME",
            "PROBLEM");
    private static final List<String> HOST_COLUMNS = List.of("NAME", "TRANSPORT", "ADDRESS", "DRIVERS", "PROPERTIES",
            "PROBLEMS");

    private Reports() {
    }

    /** create-volume: the volume object itself. */
    public static Report volume(VolumeView volume) {
        return new Report(json(volume), new Table(VOLUME_COLUMNS, List.of(row(volume))), Optional.empty());
    }

    /** describe-volumes: {"volumes": [...], "nextToken": ...}. */
    public static Report volumes(List<VolumeView> volumes, Optional<String> nextToken) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("volumes", volumes.stream().map(Reports::json).toList());
        json.put("nextToken", nextToken.orElse(null));
        return new Report(json, new Table(VOLUME_COLUMNS, volumes.stream().map(Reports::row).toList()),
                nextToken.map(Reports::moreHint));
    }

    /** create-snapshot: the snapshot object itself (after --wait, its final state). */
    public static Report snapshot(SnapshotView snapshot) {
        return new Report(json(snapshot), new Table(SNAPSHOT_COLUMNS, List.of(row(snapshot))), Optional.empty());
    }

    /** describe-snapshots: {"snapshots": [...], "nextToken": ...}. */
    public static Report snapshots(List<SnapshotView> snapshots, Optional<String> nextToken) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("snapshots", snapshots.stream().map(Reports::json).toList());
        json.put("nextToken", nextToken.orElse(null));
        return new Report(json, new Table(SNAPSHOT_COLUMNS, snapshots.stream().map(Reports::row).toList()),
                nextToken.map(Reports::moreHint));
    }

    /** attach-volume / detach-volume: the attachment as the service answered (after --wait, as it ended). */
    public static Report attachment(AttachmentView attachment) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("volumeId", attachment.volumeId());
        json.putAll(json(attachment));
        return new Report(json, new Table(ATTACHMENT_COLUMNS, List.of(List.of(attachment.volumeId(),
                attachment.instanceId(), attachment.device(), attachment.status(), attachment.attachTime().toString()))),
                Optional.empty());
    }

    /** delete-volume / delete-snapshot: {"volumeId": ..., "return": true} as the service answered. */
    public static Report deleted(String idKey, String idHeader, String id, boolean accepted) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put(idKey, id);
        json.put("return", accepted);
        return new Report(json, new Table(List.of(idHeader, "DELETED"), List.of(List.of(id, String.valueOf(accepted)))),
                Optional.empty());
    }

    /** describe-plugins: {"plugins": [...]}. */
    public static Report plugins(List<PluginView> plugins) {
        List<Object> items = new ArrayList<>();
        List<List<String>> rows = new ArrayList<>();
        for (PluginView plugin : plugins) {
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("file", plugin.file());
            json.put("symbolicName", plugin.symbolicName().orElse(null));
            json.put("version", plugin.version().orElse(null));
            json.put("state", plugin.state());
            json.put("problem", plugin.problem().orElse(null));
            json.put("drivers", plugin.drivers().stream().map(d -> {
                Map<String, Object> driver = new LinkedHashMap<>();
                driver.put("kind", d.kind());
                driver.put("id", d.id());
                return driver;
            }).toList());
            items.add(json);
            rows.add(List.of(plugin.file(), plugin.symbolicName().orElse(""), plugin.version().orElse(""),
                    plugin.state(), plugin.drivers().stream().map(PluginView.Driver::toString)
                            .collect(Collectors.joining(",")), plugin.problem().orElse("")));
        }
        return new Report(Map.of("plugins", items), new Table(PLUGIN_COLUMNS, rows), Optional.empty());
    }

    /** register-host / describe-hosts: {"hosts": [...]}, keys and kinds sorted. */
    public static Report hosts(List<HostView> hosts) {
        List<Object> items = new ArrayList<>();
        List<List<String>> rows = new ArrayList<>();
        for (HostView host : hosts) {
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("hostName", host.hostName());
            json.put("transport", host.transport());
            json.put("address", host.address());
            json.put("drivers", new TreeMap<String, Object>(host.drivers()));
            json.put("properties", new TreeMap<String, Object>(host.properties()));
            json.put("problems", new TreeMap<String, Object>(host.problems()));
            items.add(json);
            rows.add(List.of(host.hostName(), host.transport(), host.address(), joined(host.drivers(), "/"),
                    joined(host.properties(), "="), joined(host.problems(), ": ")));
        }
        return new Report(Map.of("hosts", items), new Table(HOST_COLUMNS, rows), Optional.empty());
    }

    /**
     * reconcile-storage: {"node", "policy", "time", "findings": [...], "unchecked": [...]}; the table lists
     * the findings, and what was not checked goes under it.
     */
    public static Report reconciliation(ReconcileStorageResponseType response) {
        List<Object> findings = new ArrayList<>();
        List<List<String>> rows = new ArrayList<>();
        for (ReconcileFindingSetItemType finding : response.getFindingSet().getItem()) {
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("hostName", finding.getHostName());
            json.put("kind", finding.getKind());
            json.put("resourceId", finding.getResourceId());
            json.put("detail", finding.getDetail());
            json.put("outcome", finding.getOutcome());
            json.put("problem", finding.getProblem());
            findings.add(json);
            rows.add(List.of(finding.getHostName(), finding.getKind(), finding.getResourceId(), finding.getDetail(),
                    finding.getOutcome(), Optional.ofNullable(finding.getProblem()).orElse("")));
        }
        List<Object> unchecked = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        for (ReconcileUncheckedSetItemType each : response.getUncheckedSet().getItem()) {
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("hostName", each.getHostName());
            json.put("what", each.getWhat());
            json.put("reason", each.getReason());
            unchecked.add(json);
            notes.add(each.getHostName() + ": " + each.getWhat() + " (" + each.getReason() + ")");
        }
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("node", response.getNode());
        json.put("policy", response.getPolicy());
        json.put("time", VolumeView.instant(response.getTime()).toString());
        json.put("findings", findings);
        json.put("unchecked", unchecked);
        return new Report(json, new Table(FINDING_COLUMNS, rows), notes.isEmpty() ? Optional.empty()
                : Optional.of("Not checked: " + String.join("; ", notes)));
    }

    private static String joined(Map<String, String> entries, String separator) {
        return new TreeMap<>(entries).entrySet().stream().map(e -> e.getKey() + separator + e.getValue())
                .collect(Collectors.joining(","));
    }

    private static Map<String, Object> json(VolumeView volume) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("volumeId", volume.volumeId());
        json.put("size", volume.sizeGiB());
        json.put("snapshotId", volume.snapshotId().orElse(null));
        json.put("status", volume.status());
        json.put("createTime", volume.createTime().toString());
        json.put("attachments", volume.attachments().stream().map(Reports::json).toList());
        json.put("tags", new LinkedHashMap<String, Object>(volume.tags()));
        return json;
    }

    /** One attachment, without its volume id (the volume's own object holds that). */
    private static Map<String, Object> json(AttachmentView attachment) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("instanceId", attachment.instanceId());
        json.put("device", attachment.device());
        json.put("status", attachment.status());
        json.put("attachTime", attachment.attachTime().toString());
        return json;
    }

    private static List<String> row(VolumeView volume) {
        String tags = volume.tags().entrySet().stream().map(tag -> tag.getKey() + "=" + tag.getValue())
                .collect(Collectors.joining(","));
        // A volume has at most one attachment in VBS; more would be listed comma-separated.
        String instances = volume.attachments().stream().map(AttachmentView::instanceId).collect(Collectors.joining(","));
        String devices = volume.attachments().stream().map(AttachmentView::device).collect(Collectors.joining(","));
        String states = volume.attachments().stream().map(AttachmentView::status).collect(Collectors.joining(","));
        return List.of(volume.volumeId(), String.valueOf(volume.sizeGiB()), volume.snapshotId().orElse(""),
                volume.status(), instances, devices, states, volume.createTime().toString(), tags);
    }

    private static Map<String, Object> json(SnapshotView snapshot) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("snapshotId", snapshot.snapshotId());
        json.put("volumeId", snapshot.volumeId());
        json.put("status", snapshot.status());
        json.put("statusMessage", snapshot.statusMessage().orElse(null));
        json.put("startTime", snapshot.startTime().toString());
        json.put("progress", snapshot.progress());
        json.put("volumeSize", snapshot.volumeSizeGiB());
        json.put("description", snapshot.description().orElse(null));
        return json;
    }

    private static List<String> row(SnapshotView snapshot) {
        return List.of(snapshot.snapshotId(), snapshot.volumeId(), snapshot.status(), snapshot.progress(),
                String.valueOf(snapshot.volumeSizeGiB()), snapshot.startTime().toString(),
                snapshot.description().orElse(""), snapshot.statusMessage().orElse(""));
    }

    private static String moreHint(String nextToken) {
        return "More results: repeat with --next-token " + nextToken + ", or use --all.";
    }
}
