package org.vbs.cli;

import java.util.concurrent.Callable;
import org.vbs.cli.generated.CreateSnapshotType;
import org.vbs.cli.generated.VbsFault;
import org.vbs.cli.generated.VolumeServicePortType;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

@Command(name = "create-snapshot", description = "Snapshot a volume. The snapshot starts pending and completes in the background.")
final class CreateSnapshotCommand implements Callable<Integer> {
    @ParentCommand
    private VbsCommand vbs;

    @Parameters(paramLabel = "VOLUME-ID", description = "The volume to snapshot.")
    private String volumeId;

    @Option(names = "--description", paramLabel = "TEXT", description = "A description for the snapshot.")
    private String description;

    @Option(names = "--wait", description = "Wait until the snapshot is completed (progress bar on a terminal);"
            + " exit with status 4 if it ends in error.")
    private boolean await;

    @Override
    public Integer call() throws VbsFault, InterruptedException {
        VolumeServicePortType port = vbs.port();
        CreateSnapshotType request = new CreateSnapshotType();
        request.setVolumeId(volumeId);
        request.setDescription(description);
        SnapshotView snapshot = SnapshotView.of(port.createSnapshot(request));
        if (!await) {
            vbs.print(Reports.snapshot(snapshot));
            return ExitCode.OK;
        }
        CliContext context = vbs.context();
        SnapshotView done = new SnapshotWaiter(port, context.sleeper(),
                new ProgressBar(context.err(), context.stderrIsTerminal())).await(snapshot);
        vbs.print(Reports.snapshot(done));
        if (SnapshotView.ERROR.equals(done.status())) {
            throw new SnapshotFailedException("snapshot " + done.snapshotId() + " of " + done.volumeId() + " failed: "
                    + done.statusMessage().orElse("the service gave no reason"));
        }
        return ExitCode.OK;
    }
}
