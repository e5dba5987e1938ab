package org.vbs.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.vbs.cli.generated.CreateVolumeResponseType;
import org.vbs.cli.generated.CreateVolumeType;
import org.vbs.cli.generated.ResourceTagSetItemType;
import org.vbs.cli.generated.ResourceTagSetType;
import org.vbs.cli.generated.TagSpecificationSetItemType;

class CreateVolumeCommandTest {

    /** Answers CreateVolume with a volume of the requested size and tags. */
    static class CreatingPort extends FakePort {
        @Override
        public CreateVolumeResponseType createVolume(CreateVolumeType request) {
            requests.add(request);
            CreateVolumeResponseType response = new CreateVolumeResponseType();
            response.setRequestId("req-1");
            response.setVolumeId("vol-0123456789abcdef0");
            response.setSize(Long.parseLong(request.getSize()));
            response.setStatus("available");
            response.setCreateTime(FakePort.time("2026-11-25T04:00:00Z"));
            if (request.getTagSpecificationSet() != null) {
                response.setTagSet(request.getTagSpecificationSet().getItem().get(0).getTagSet());
            }
            return response;
        }
    }

    @Test
    void shouldRefuseASizeThatIsNotAWholeNumberAsAUsageError() {
        for (String size : List.of("abc", "10G", "1.5", "")) {
            CliRun run = CliRun.run(CliRun.noPort(), "create-volume", "--size", size);
            assertEquals(ExitCode.USAGE, run.status(), run.err());
            assertTrue(run.err().startsWith("Error: Usage: "), run.err());
            assertTrue(run.err().contains("size '" + size + "' is not a whole number of GiB"), run.err());
            assertEquals("", run.out());
        }
    }

    @Test
    void shouldSendSizeSnapshotTokenAndTagsAsGiven() {
        CreatingPort port = new CreatingPort();
        CliRun run = CliRun.run(port.factory(), "create-volume", "--size", "10", "--snapshot-id", "snap-1",
                "--client-token", "tok-1", "--tag", "env=prod", "--tag", "note=a=b", "--tag", "empty=");
        assertEquals(ExitCode.OK, run.status(), run.err());
        CreateVolumeType sent = port.got(CreateVolumeType.class, 0);
        assertEquals("10", sent.getSize());
        assertEquals("snap-1", sent.getSnapshotId());
        assertEquals("tok-1", sent.getClientToken());
        TagSpecificationSetItemType specification = sent.getTagSpecificationSet().getItem().get(0);
        assertEquals("volume", specification.getResourceType());
        assertEquals(List.of("env=prod", "note=a=b", "empty="), tags(specification.getTagSet()));
    }

    @Test
    void shouldLeaveOutWhatWasNotGiven() {
        CreatingPort port = new CreatingPort();
        CliRun run = CliRun.run(port.factory(), "create-volume", "--size", "1");
        assertEquals(ExitCode.OK, run.status(), run.err());
        CreateVolumeType sent = port.got(CreateVolumeType.class, 0);
        assertNull(sent.getSnapshotId());
        assertNull(sent.getTagSpecificationSet());
    }

    @Test
    void shouldSendANewClientTokenOfItsOwnForEachRunWithoutOne() {
        CreatingPort port = new CreatingPort();
        CliRun first = CliRun.run(port.factory(), "create-volume", "--size", "1");
        CliRun second = CliRun.run(port.factory(), "create-volume", "--size", "1");
        assertEquals(ExitCode.OK, first.status(), first.err());
        assertEquals(ExitCode.OK, second.status(), second.err());
        String token = port.got(CreateVolumeType.class, 0).getClientToken();
        // EC2's rule, which the service checks: 1 to 64 printable ASCII characters.
        assertTrue(token.matches("vbs-cli-[0-9a-f-]{36}"), token);
        assertNotEquals(token, port.got(CreateVolumeType.class, 1).getClientToken(), "two runs, two volumes");
    }

    @Test
    void shouldPassANegativeSizeToTheServiceToJudge() {
        CreatingPort port = new CreatingPort();
        CliRun.run(port.factory(), "create-volume", "--size", "-5");
        assertEquals("-5", port.got(CreateVolumeType.class, 0).getSize());
    }

    @Test
    void shouldRefuseATagWithoutValueSeparatorAsAUsageError() {
        CliRun run = CliRun.run(CliRun.noPort(), "create-volume", "--size", "1", "--tag", "env");
        assertEquals(ExitCode.USAGE, run.status());
        assertTrue(run.err().contains("tag 'env' must be key=value"), run.err());
    }

    @Test
    void shouldRefuseTheSameTagKeyTwiceBeforeCallingTheService() {
        CliRun run = CliRun.run(CliRun.noPort(), "create-volume", "--size", "1", "--tag", "env=a", "--tag", "env=b");
        assertEquals(ExitCode.USAGE, run.status());
        assertTrue(run.err().contains("tag key 'env' is given twice"), run.err());
    }

    @Test
    void shouldPrintTheVolumeAsATable() {
        CliRun run = CliRun.run(new CreatingPort().factory(), "create-volume", "--size", "10", "--tag", "env=prod",
                "--tag", "team=blue");
        assertEquals("""
                VOLUME ID              SIZE (GiB)  SNAPSHOT  STATUS     INSTANCE  DEVICE  ATTACHMENT  CREATED               TAGS
                vol-0123456789abcdef0  10          -         available  -         -       -           2026-11-25T04:00:00Z  env=prod,team=blue
                """, run.out());
        assertEquals("", run.err());
    }

    @Test
    void shouldPrintTheVolumeAsOneJsonDocument() {
        CliRun run = CliRun.run(new CreatingPort().factory(), "create-volume", "--size", "10", "--tag", "env=prod",
                "--output", "json");
        assertEquals("""
                {
                    "volumeId": "vol-0123456789abcdef0",
                    "size": 10,
                    "snapshotId": null,
                    "status": "available",
                    "createTime": "2026-11-25T04:00:00Z",
                    "attachments": [
                    ],
                    "tags": {
                        "env": "prod"
                    }
                }
                """, run.out());
    }

    @Test
    void shouldAcceptGlobalOptionsBeforeTheCommandToo() {
        CliRun run = CliRun.run(new CreatingPort().factory(), "--output", "JSON", "create-volume", "--size", "2");
        assertEquals(ExitCode.OK, run.status(), run.err());
        assertTrue(run.out().startsWith("{\n    \"volumeId\""), run.out());
    }

    @Test
    void shouldRefuseAnUnknownOutputFormat() {
        CliRun run = CliRun.run(CliRun.noPort(), "create-volume", "--size", "2", "--output", "yaml");
        assertEquals(ExitCode.USAGE, run.status());
        assertTrue(run.err().contains("--output"), run.err());
    }

    private static List<String> tags(ResourceTagSetType tagSet) {
        return tagSet.getItem().stream().map(ResourceTagSetItemType.class::cast)
                .map(item -> item.getKey() + "=" + item.getValue()).toList();
    }
}
