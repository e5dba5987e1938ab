package org.vbs.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.vbs.cli.generated.DescribePluginsResponseType;
import org.vbs.cli.generated.DescribePluginsType;
import org.vbs.cli.generated.DescribeSnapshotsResponseType;
import org.vbs.cli.generated.DescribeSnapshotsSetItemResponseType;
import org.vbs.cli.generated.DescribeSnapshotsSetResponseType;
import org.vbs.cli.generated.DescribeSnapshotsType;
import org.vbs.cli.generated.DescribeVolumesResponseType;
import org.vbs.cli.generated.DescribeVolumesSetItemResponseType;
import org.vbs.cli.generated.DescribeVolumesSetResponseType;
import org.vbs.cli.generated.DescribeVolumesType;
import org.vbs.cli.generated.FilterType;
import org.vbs.cli.generated.PluginDriverSetItemType;
import org.vbs.cli.generated.PluginDriverSetType;
import org.vbs.cli.generated.PluginSetItemType;
import org.vbs.cli.generated.PluginSetType;

class DescribeCommandsTest {

    /** Serves volumes in pages: page i holds volume vol-i and names token t(i+1) unless it is the last. */
    static final class PagedVolumes extends FakePort {
        private final Map<String, String> nextTokens;

        /** @param nextTokens the token each request's token (or "" for none) is answered with; absent: last page */
        PagedVolumes(Map<String, String> nextTokens) {
            this.nextTokens = nextTokens;
        }

        @Override
        public DescribeVolumesResponseType describeVolumes(DescribeVolumesType request) {
            requests.add(request);
            String token = request.getNextToken() == null ? "" : request.getNextToken();
            DescribeVolumesSetItemResponseType item = new DescribeVolumesSetItemResponseType();
            item.setVolumeId("vol-" + (token.isEmpty() ? "first" : token));
            item.setSize(1);
            item.setStatus("available");
            item.setCreateTime(FakePort.time("2026-11-25T04:00:00Z"));
            DescribeVolumesResponseType response = new DescribeVolumesResponseType();
            response.setRequestId("req");
            response.setVolumeSet(new DescribeVolumesSetResponseType());
            response.getVolumeSet().getItem().add(item);
            response.setNextToken(nextTokens.get(token));
            return response;
        }
    }

    @Test
    void shouldSendIdsFiltersAndPaginationAsGiven() {
        PagedVolumes port = new PagedVolumes(Map.of());
        CliRun run = CliRun.run(port.factory(), "describe-volumes", "vol-a", "vol-b", "--filter", "status=available,creating",
                "--filter", "snapshot-id=snap-1", "--max-results", "5", "--next-token", "t1");
        assertEquals(ExitCode.OK, run.status(), run.err());
        DescribeVolumesType sent = port.got(DescribeVolumesType.class, 0);
        assertEquals(List.of("vol-a", "vol-b"), sent.getVolumeSet().getItem().stream().map(i -> i.getVolumeId()).toList());
        List<FilterType> filters = sent.getFilterSet().getItem();
        assertEquals(2, filters.size());
        assertEquals("status", filters.get(0).getName());
        assertEquals(List.of("available", "creating"), filters.get(0).getValueSet().getItem().stream().map(v -> v.getValue()).toList());
        assertEquals("snapshot-id", filters.get(1).getName());
        assertEquals(List.of("snap-1"), filters.get(1).getValueSet().getItem().stream().map(v -> v.getValue()).toList());
        assertEquals(5, sent.getMaxResults());
        assertEquals("t1", sent.getNextToken());
    }

    @Test
    void shouldLeaveOutIdsFiltersAndPaginationWhenNotGiven() {
        PagedVolumes port = new PagedVolumes(Map.of());
        CliRun.run(port.factory(), "describe-volumes");
        DescribeVolumesType sent = port.got(DescribeVolumesType.class, 0);
        assertNull(sent.getVolumeSet());
        assertNull(sent.getFilterSet());
        assertNull(sent.getMaxResults());
        assertNull(sent.getNextToken());
    }

    @Test
    void shouldRefuseAMalformedFilterAsAUsageError() {
        CliRun run = CliRun.run(CliRun.noPort(), "describe-volumes", "--filter", "status");
        assertEquals(ExitCode.USAGE, run.status());
        assertTrue(run.err().contains("filter 'status' must be name=value"), run.err());
    }

    @Test
    void shouldPrintOnePageAndItsNextTokenInJson() {
        CliRun run = CliRun.run(new PagedVolumes(Map.of("", "t2")).factory(), "describe-volumes", "--output", "json");
        assertEquals("""
                {
                    "volumes": [
                        {
                            "volumeId": "vol-first",
                            "size": 1,
                            "snapshotId": null,
                            "status": "available",
                            "createTime": "2026-11-25T04:00:00Z",
                            "attachments": [
                            ],
                            "tags": {
                            }
                        }
                    ],
                    "nextToken": "t2"
                }
                """, run.out());
        assertEquals("", run.err());
    }

    @Test
    void shouldHintAtTheNextPageOnStderrUnderATable() {
        CliRun run = CliRun.run(new PagedVolumes(Map.of("", "t2")).factory(), "describe-volumes");
        assertEquals("""
                VOLUME ID  SIZE (GiB)  SNAPSHOT  STATUS     INSTANCE  DEVICE  ATTACHMENT  CREATED               TAGS
                vol-first  1           -         available  -         -       -           2026-11-25T04:00:00Z  -
                """, run.out());
        assertEquals("More results: repeat with --next-token t2, or use --all.\n", run.err());
    }

    @Test
    void shouldFollowEveryNextTokenWithAll() {
        PagedVolumes port = new PagedVolumes(Map.of("", "t2", "t2", "t3"));
        CliRun run = CliRun.run(port.factory(), "describe-volumes", "--all", "--max-results", "1", "--output", "json");
        assertEquals(ExitCode.OK, run.status(), run.err());
        assertEquals(3, port.requests.size());
        assertEquals(List.of("vol-first", "vol-t2", "vol-t3"), ids(run.out()));
        assertTrue(run.out().contains("\"nextToken\": null"), run.out());
        assertEquals(1, port.got(DescribeVolumesType.class, 2).getMaxResults());
    }

    @Test
    void shouldStopWhenTheServiceRepeatsAToken() {
        PagedVolumes port = new PagedVolumes(Map.of("", "t2", "t2", "t2"));
        CliRun run = CliRun.run(port.factory(), "describe-volumes", "--all");
        assertEquals(ExitCode.CLIENT_BUG, run.status());
        assertTrue(run.err().contains("returned nextToken 't2' twice"), run.err());
        assertEquals("", run.out());
    }

    @Test
    void shouldPrintSnapshotsWithTheirStatusMessage() {
        FakePort port = new FakePort() {
            @Override
            public DescribeSnapshotsResponseType describeSnapshots(DescribeSnapshotsType request) {
                requests.add(request);
                DescribeSnapshotsSetItemResponseType item = new DescribeSnapshotsSetItemResponseType();
                item.setSnapshotId("snap-1");
                item.setVolumeId("vol-1");
                item.setStatus("error");
                item.setStatusMessage("copy failed: \"disk full\"");
                item.setStartTime(FakePort.time("2026-11-25T04:00:00Z"));
                item.setProgress("40%");
                item.setVolumeSize(8);
                DescribeSnapshotsResponseType response = new DescribeSnapshotsResponseType();
                response.setSnapshotSet(new DescribeSnapshotsSetResponseType());
                response.getSnapshotSet().getItem().add(item);
                return response;
            }
        };
        CliRun table = CliRun.run(port.factory(), "describe-snapshots", "snap-1", "--filter", "status=error");
        assertEquals("""
                SNAPSHOT ID  VOLUME ID  STATUS  PROGRESS  SIZE (GiB)  STARTED               DESCRIPTION  MESSAGE
                snap-1       vol-1      error   40%       8           2026-11-25T04:00:00Z  -            copy failed: "disk full"
                """, table.out());
        DescribeSnapshotsType sent = port.got(DescribeSnapshotsType.class, 0);
        assertEquals("snap-1", sent.getSnapshotSet().getItem().get(0).getSnapshotId());
        assertEquals("status", sent.getFilterSet().getItem().get(0).getName());

        CliRun json = CliRun.run(port.factory(), "describe-snapshots", "--output", "json");
        assertEquals("""
                {
                    "snapshots": [
                        {
                            "snapshotId": "snap-1",
                            "volumeId": "vol-1",
                            "status": "error",
                            "statusMessage": "copy failed: \\"disk full\\"",
                            "startTime": "2026-11-25T04:00:00Z",
                            "progress": "40%",
                            "volumeSize": 8,
                            "description": null
                        }
                    ],
                    "nextToken": null
                }
                """, json.out());
    }

    @Test
    void shouldPrintPluginsTheirDriversAndWhyOneIsNotActive() {
        FakePort port = new FakePort() {
            @Override
            public DescribePluginsResponseType describePlugins(DescribePluginsType request) {
                DescribePluginsResponseType response = new DescribePluginsResponseType();
                response.setPluginSet(new PluginSetType());
                PluginSetItemType file = plugin("vbs-volume-file.jar", "org.vbs.volume.file", "1.0.0", "ACTIVE", null);
                file.setDriverSet(new PluginDriverSetType());
                file.getDriverSet().getItem().add(driver("volume", "file"));
                file.getDriverSet().getItem().add(driver("export", "tgt"));
                response.getPluginSet().getItem().add(file);
                response.getPluginSet().getItem().add(plugin("broken.jar", null, null, "REFUSED",
                        "refused, not installed: is not signed"));
                return response;
            }
        };
        CliRun run = CliRun.run(port.factory(), "describe-plugins");
        assertEquals(ExitCode.OK, run.status(), run.err());
        assertEquals("""
                FILE                 SYMBOLIC NAME        VERSION  STATE    DRIVERS                 PROBLEM
                vbs-volume-file.jar  org.vbs.volume.file  1.0.0    ACTIVE   volume/file,export/tgt  -
                broken.jar           -                    -        REFUSED  -                       refused, not installed: is not signed
                """, run.out());

        CliRun json = CliRun.run(port.factory(), "describe-plugins", "--output", "json");
        assertEquals(ExitCode.OK, json.status(), json.err());
        assertEquals("""
                {
                    "plugins": [
                        {
                            "file": "vbs-volume-file.jar",
                            "symbolicName": "org.vbs.volume.file",
                            "version": "1.0.0",
                            "state": "ACTIVE",
                            "problem": null,
                            "drivers": [
                                {
                                    "kind": "volume",
                                    "id": "file"
                                },
                                {
                                    "kind": "export",
                                    "id": "tgt"
                                }
                            ]
                        },
                        {
                            "file": "broken.jar",
                            "symbolicName": null,
                            "version": null,
                            "state": "REFUSED",
                            "problem": "refused, not installed: is not signed",
                            "drivers": [
                            ]
                        }
                    ]
                }
                """, json.out());
    }

    private static PluginSetItemType plugin(String file, String name, String version, String state, String problem) {
        PluginSetItemType item = new PluginSetItemType();
        item.setFile(file);
        item.setSymbolicName(name);
        item.setVersion(version);
        item.setState(state);
        item.setProblem(problem);
        return item;
    }

    private static PluginDriverSetItemType driver(String kind, String id) {
        PluginDriverSetItemType driver = new PluginDriverSetItemType();
        driver.setKind(kind);
        driver.setId(id);
        return driver;
    }

    private static List<String> ids(String json) {
        return json.lines().filter(line -> line.contains("\"volumeId\""))
                .map(line -> line.replaceAll(".*\"volumeId\": \"([^\"]*)\".*", "$1")).toList();
    }
}
