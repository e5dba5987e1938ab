package org.vbs.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.vbs.cli.generated.CreateSnapshotResponseType;
import org.vbs.cli.generated.CreateSnapshotType;
import org.vbs.cli.generated.DescribeSnapshotsResponseType;
import org.vbs.cli.generated.DescribeSnapshotsSetItemResponseType;
import org.vbs.cli.generated.DescribeSnapshotsSetResponseType;
import org.vbs.cli.generated.DescribeSnapshotsType;

class CreateSnapshotCommandTest {

    /** Starts a snapshot pending at 0%, then answers each DescribeSnapshots with the next state. */
    static final class SnapshotPort extends FakePort {
        private final Deque<String[]> states;

        /** @param states status, progress and (optional) status message, one per poll */
        SnapshotPort(List<String[]> states) {
            this.states = new ArrayDeque<>(states);
        }

        @Override
        public CreateSnapshotResponseType createSnapshot(CreateSnapshotType request) {
            requests.add(request);
            CreateSnapshotResponseType response = new CreateSnapshotResponseType();
            response.setSnapshotId("snap-0123456789abcdef0");
            response.setVolumeId(request.getVolumeId());
            response.setStatus("pending");
            response.setProgress("0%");
            response.setStartTime(FakePort.time("2026-11-25T04:00:00Z"));
            response.setVolumeSize(4);
            response.setDescription(request.getDescription());
            return response;
        }

        @Override
        public DescribeSnapshotsResponseType describeSnapshots(DescribeSnapshotsType request) {
            requests.add(request);
            DescribeSnapshotsResponseType response = new DescribeSnapshotsResponseType();
            response.setSnapshotSet(new DescribeSnapshotsSetResponseType());
            String[] state = states.removeFirst();
            if (state.length > 0) {
                DescribeSnapshotsSetItemResponseType item = new DescribeSnapshotsSetItemResponseType();
                item.setSnapshotId(request.getSnapshotSet().getItem().get(0).getSnapshotId());
                item.setVolumeId("vol-1");
                item.setStatus(state[0]);
                item.setProgress(state[1]);
                item.setStatusMessage(state.length > 2 ? state[2] : null);
                item.setStartTime(FakePort.time("2026-11-25T04:00:00Z"));
                item.setVolumeSize(4);
                response.getSnapshotSet().getItem().add(item);
            }
            return response;
        }
    }

    @Test
    void shouldReturnThePendingSnapshotWithoutWait() {
        SnapshotPort port = new SnapshotPort(List.of());
        CliRun run = CliRun.run(port.factory(), "create-snapshot", "vol-1", "--description", "nightly", "--output", "json");
        assertEquals(ExitCode.OK, run.status(), run.err());
        assertEquals(1, port.requests.size());
        assertEquals("nightly", port.got(CreateSnapshotType.class, 0).getDescription());
        assertTrue(run.out().contains("\"status\": \"pending\""), run.out());
        assertTrue(run.sleeps().isEmpty());
    }

    @Test
    void shouldPollUntilCompletedAndPrintTheFinalState() {
        SnapshotPort port = new SnapshotPort(List.of(new String[] {"pending", "10%"}, new String[] {"pending", "60%"},
                new String[] {"completed", "100%"}));
        CliRun run = CliRun.run(port.factory(), "create-snapshot", "vol-1", "--wait", "--output", "json");
        assertEquals(ExitCode.OK, run.status(), run.err());
        assertEquals(3, run.sleeps().size());
        assertTrue(run.sleeps().stream().allMatch(SnapshotWaiter.POLL_INTERVAL::equals));
        assertEquals("snap-0123456789abcdef0",
                port.got(DescribeSnapshotsType.class, 2).getSnapshotSet().getItem().get(0).getSnapshotId());
        assertTrue(run.out().contains("\"status\": \"completed\""), run.out());
        assertTrue(run.out().contains("\"progress\": \"100%\""), run.out());
        assertEquals("", run.err(), "no progress bar when stderr is not a terminal");
    }

    @Test
    void shouldDrawAProgressBarOnATerminal() {
        SnapshotPort port = new SnapshotPort(List.of(new String[] {"pending", "50%"}, new String[] {"completed", "100%"}));
        CliRun run = CliRun.run(port.factory(), Map.of(), true, "create-snapshot", "vol-1", "--wait");
        assertEquals(ExitCode.OK, run.status(), run.err());
        assertTrue(run.err().startsWith("\r[" + ".".repeat(30) + "]   0% snap-0123456789abcdef0 pending"), run.err());
        assertTrue(run.err().contains("\r[" + "#".repeat(15) + ".".repeat(15) + "]  50% snap-0123456789abcdef0 pending"),
                run.err());
        assertTrue(run.err().contains("\r[" + "#".repeat(30) + "] 100% snap-0123456789abcdef0 completed"), run.err());
        assertTrue(run.err().endsWith("\n"), "the bar's line is ended before the table");
        assertTrue(run.out().startsWith("SNAPSHOT ID"), run.out());
    }

    @Test
    void shouldExitWithSnapshotFailedWhenItEndsInError() {
        SnapshotPort port = new SnapshotPort(List.of(new String[] {"pending", "30%"},
                new String[] {"error", "30%", "copy failed: no space left on device"}));
        CliRun run = CliRun.run(port.factory(), "create-snapshot", "vol-1", "--wait", "--output", "json");
        assertEquals(ExitCode.SNAPSHOT_FAILED, run.status());
        assertTrue(run.out().contains("\"status\": \"error\""), "the final state is still printed: " + run.out());
        assertEquals("Error: SnapshotFailed: snapshot snap-0123456789abcdef0 of vol-1 failed:"
                + " copy failed: no space left on device\n", run.err());
    }

    @Test
    void shouldFailWhenTheSnapshotVanishesWhilePending() {
        SnapshotPort port = new SnapshotPort(List.of(new String[] {"pending", "30%"}, new String[0]));
        CliRun run = CliRun.run(port.factory(), "create-snapshot", "vol-1", "--wait");
        assertEquals(ExitCode.SNAPSHOT_FAILED, run.status());
        assertTrue(run.err().contains("snap-0123456789abcdef0 is no longer listed"), run.err());
        assertFalse(run.out().contains("snap-"), run.out());
    }
}
