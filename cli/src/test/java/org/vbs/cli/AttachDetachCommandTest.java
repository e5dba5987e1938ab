package org.vbs.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.vbs.cli.generated.AttachVolumeResponseType;
import org.vbs.cli.generated.AttachVolumeType;
import org.vbs.cli.generated.AttachmentSetItemResponseType;
import org.vbs.cli.generated.AttachmentSetResponseType;
import org.vbs.cli.generated.DescribeVolumesResponseType;
import org.vbs.cli.generated.DescribeVolumesSetItemResponseType;
import org.vbs.cli.generated.DescribeVolumesSetResponseType;
import org.vbs.cli.generated.DescribeVolumesType;
import org.vbs.cli.generated.DetachVolumeResponseType;
import org.vbs.cli.generated.DetachVolumeType;
import org.vbs.cli.generated.ErrorResponseType;
import org.vbs.cli.generated.ErrorSetType;
import org.vbs.cli.generated.ErrorType;
import org.vbs.cli.generated.VbsFault;

class AttachDetachCommandTest {
    private static final String VOLUME = "vol-0123456789abcdef0";
    private static final String ATTACHED_AT = "2026-11-30T10:15:30Z";

    /**
     * Answers AttachVolume and DetachVolume as the service does, then each DescribeVolumes with the next
     * volume state of the list ("" = the volume is no longer listed); an attachment is listed while the
     * state is not "available".
     */
    static final class AttachPort extends FakePort {
        private final Deque<String> states;

        AttachPort(String... states) {
            this.states = new ArrayDeque<>(List.of(states));
        }

        @Override
        public AttachVolumeResponseType attachVolume(AttachVolumeType request) {
            requests.add(request);
            AttachVolumeResponseType response = new AttachVolumeResponseType();
            response.setRequestId("req");
            response.setVolumeId(request.getVolumeId());
            response.setInstanceId(request.getInstanceId());
            response.setDevice(request.getDevice());
            response.setStatus("attaching");
            response.setAttachTime(FakePort.time(ATTACHED_AT));
            return response;
        }

        @Override
        public DetachVolumeResponseType detachVolume(DetachVolumeType request) {
            requests.add(request);
            DetachVolumeResponseType response = new DetachVolumeResponseType();
            response.setRequestId("req");
            response.setVolumeId(request.getVolumeId());
            response.setInstanceId("vm-42");
            response.setDevice("vdb");
            response.setStatus("detached");
            response.setAttachTime(FakePort.time(ATTACHED_AT));
            return response;
        }

        @Override
        public DescribeVolumesResponseType describeVolumes(DescribeVolumesType request) {
            requests.add(request);
            DescribeVolumesResponseType response = new DescribeVolumesResponseType();
            response.setVolumeSet(new DescribeVolumesSetResponseType());
            String state = states.removeFirst();
            if (!state.isEmpty()) {
                response.getVolumeSet().getItem().add(volume(state));
            }
            return response;
        }
    }

    static DescribeVolumesSetItemResponseType volume(String state) {
        DescribeVolumesSetItemResponseType item = new DescribeVolumesSetItemResponseType();
        item.setVolumeId(VOLUME);
        item.setSize(1);
        item.setStatus(state);
        item.setCreateTime(FakePort.time("2026-11-25T04:00:00Z"));
        item.setAttachmentSet(new AttachmentSetResponseType());
        if (!"available".equals(state)) {
            AttachmentSetItemResponseType attachment = new AttachmentSetItemResponseType();
            attachment.setVolumeId(VOLUME);
            attachment.setInstanceId("vm-42");
            attachment.setDevice("vdb");
            attachment.setStatus("in-use".equals(state) ? "attached" : state);
            attachment.setAttachTime(FakePort.time(ATTACHED_AT));
            item.getAttachmentSet().getItem().add(attachment);
        }
        return item;
    }

    @Test
    void shouldSendTheHostInstanceAndDeviceAndPrintTheAttachment() {
        AttachPort port = new AttachPort();
        CliRun run = CliRun.run(port.factory(), "attach-volume", VOLUME, "--host", "kvm7", "--instance", "vm-42",
                "--device", "vdb");

        assertEquals(ExitCode.OK, run.status(), run.err());
        AttachVolumeType sent = port.got(AttachVolumeType.class, 0);
        assertEquals(List.of(VOLUME, "kvm7", "vm-42", "vdb"), List.of(sent.getVolumeId(), sent.getHost(),
                sent.getInstanceId(), sent.getDevice()));
        assertEquals("""
                VOLUME ID              INSTANCE  DEVICE  STATUS     ATTACHED
                vol-0123456789abcdef0  vm-42     vdb     attaching  2026-11-30T10:15:30Z
                """, run.out());
        assertEquals(1, port.requests.size(), "no polling without --wait");
    }

    @Test
    void shouldWaitUntilInUseAndPrintTheAttachmentAsItIsThen() {
        AttachPort port = new AttachPort("attaching", "attaching", "in-use");
        CliRun run = CliRun.run(port.factory(), "attach-volume", VOLUME, "--host", "kvm7", "--instance", "vm-42",
                "--device", "vdb", "--wait", "--output", "json");

        assertEquals(ExitCode.OK, run.status(), run.err());
        assertEquals(List.of(VolumeWaiter.POLL_INTERVAL, VolumeWaiter.POLL_INTERVAL), run.sleeps());
        assertEquals(VOLUME, port.got(DescribeVolumesType.class, 2).getVolumeSet().getItem().get(0).getVolumeId());
        assertEquals("""
                {
                    "volumeId": "vol-0123456789abcdef0",
                    "instanceId": "vm-42",
                    "device": "vdb",
                    "status": "attached",
                    "attachTime": "2026-11-30T10:15:30Z"
                }
                """, run.out());
    }

    @Test
    void shouldExitWithVolumeWaitFailedWhenTheAttachEndsInError() {
        AttachPort port = new AttachPort("attaching", "error");
        CliRun run = CliRun.run(port.factory(), "attach-volume", VOLUME, "--host", "kvm7", "--instance", "vm-42",
                "--device", "vdb", "--wait");

        assertEquals(ExitCode.VOLUME_WAIT_FAILED, run.status());
        assertEquals("Error: VolumeWaitFailed: volume " + VOLUME + " ended in state 'error' instead of 'in-use';"
                + " see describe-volumes, and detach it with --force to clean up\n", run.err());
        assertEquals("", run.out());
    }

    @Test
    void shouldGiveUpWaitingAfterTheLastPoll() {
        String[] stuck = new String[VolumeWaiter.MAX_POLLS];
        java.util.Arrays.fill(stuck, "detaching");
        AttachPort port = new AttachPort(stuck);
        CliRun run = CliRun.run(port.factory(), "detach-volume", VOLUME, "--wait");

        assertEquals(ExitCode.VOLUME_WAIT_FAILED, run.status());
        assertEquals(VolumeWaiter.MAX_POLLS - 1, run.sleeps().size());
        assertTrue(run.err().contains("is still 'detaching' after " + VolumeWaiter.MAX_POLLS + " polls"), run.err());
    }

    @Test
    void shouldFailTheWaitWhenTheVolumeIsNoLongerListed() {
        AttachPort port = new AttachPort("");
        CliRun run = CliRun.run(port.factory(), "detach-volume", VOLUME, "--wait");

        assertEquals(ExitCode.VOLUME_WAIT_FAILED, run.status());
        assertTrue(run.err().contains(VOLUME + " is no longer listed"), run.err());
    }

    @Test
    void shouldDetachWithoutChecksOrForceUnlessAsked() {
        AttachPort port = new AttachPort();
        CliRun run = CliRun.run(port.factory(), "detach-volume", VOLUME, "--output", "json");

        assertEquals(ExitCode.OK, run.status(), run.err());
        DetachVolumeType sent = port.got(DetachVolumeType.class, 0);
        assertEquals(VOLUME, sent.getVolumeId());
        assertNull(sent.getInstanceId());
        assertNull(sent.getDevice());
        assertNull(sent.isForce());
        assertTrue(run.out().contains("\"status\": \"detached\""), run.out());
    }

    @Test
    void shouldSendTheChecksAndForceAndWaitUntilAvailable() {
        AttachPort port = new AttachPort("detaching", "available");
        CliRun run = CliRun.run(port.factory(), "detach-volume", VOLUME, "--instance", "vm-42", "--device", "vdb",
                "--force", "--wait");

        assertEquals(ExitCode.OK, run.status(), run.err());
        DetachVolumeType sent = port.got(DetachVolumeType.class, 0);
        assertEquals(List.of("vm-42", "vdb", true), List.of(sent.getInstanceId(), sent.getDevice(), sent.isForce()));
        assertEquals(1, run.sleeps().size());
        assertTrue(run.out().contains("detached"), run.out());
    }

    @Test
    void shouldRefuseAnAttachWithoutHostAsAUsageErrorBeforeAnyCall() {
        CliRun run = CliRun.run(CliRun.noPort(), "attach-volume", VOLUME, "--instance", "vm-42", "--device", "vdb");

        assertEquals(ExitCode.USAGE, run.status());
        assertTrue(run.err().contains("--host"), run.err());
    }

    @Test
    void shouldReportTheServicesFaultOfADetachCheck() {
        FakePort port = new FakePort() {
            @Override
            public DetachVolumeResponseType detachVolume(DetachVolumeType request) throws VbsFault {
                ErrorType error = new ErrorType();
                error.setCode("InvalidAttachment.NotFound");
                error.setMessage("Volume " + VOLUME + " is not attached to instance 'vm-7'; it is attached to vm-42.");
                ErrorResponseType info = new ErrorResponseType();
                info.setErrors(new ErrorSetType());
                info.getErrors().getError().add(error);
                info.setRequestID("req");
                throw new VbsFault("refused", info);
            }
        };
        CliRun run = CliRun.run(port.factory(), "detach-volume", VOLUME, "--instance", "vm-7");

        assertEquals(ExitCode.SERVICE_FAULT, run.status());
        assertTrue(run.err().startsWith("Error: InvalidAttachment.NotFound: Volume " + VOLUME), run.err());
    }

    @Test
    void shouldShowTheAttachmentInDescribeVolumes() {
        FakePort port = new FakePort() {
            @Override
            public DescribeVolumesResponseType describeVolumes(DescribeVolumesType request) {
                DescribeVolumesResponseType response = new DescribeVolumesResponseType();
                response.setVolumeSet(new DescribeVolumesSetResponseType());
                response.getVolumeSet().getItem().add(volume("in-use"));
                return response;
            }
        };
        CliRun table = CliRun.run(port.factory(), "describe-volumes");
        assertEquals("""
                VOLUME ID              SIZE (GiB)  SNAPSHOT  STATUS  INSTANCE  DEVICE  ATTACHMENT  CREATED               TAGS
                vol-0123456789abcdef0  1           -         in-use  vm-42     vdb     attached    2026-11-25T04:00:00Z  -
                """, table.out());

        CliRun json = CliRun.run(port.factory(), "describe-volumes", "--output", "json");
        assertTrue(json.out().contains("""
                            "attachments": [
                                {
                                    "instanceId": "vm-42",
                                    "device": "vdb",
                                    "status": "attached",
                                    "attachTime": "2026-11-30T10:15:30Z"
                                }
                            ],
                """), json.out());
    }
}
