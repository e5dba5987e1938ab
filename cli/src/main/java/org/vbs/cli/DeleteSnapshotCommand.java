package org.vbs.cli;

import java.util.concurrent.Callable;
import org.vbs.cli.generated.DeleteSnapshotType;
import org.vbs.cli.generated.VbsFault;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

@Command(name = "delete-snapshot", description = "Delete a snapshot.")
final class DeleteSnapshotCommand implements Callable<Integer> {
    @ParentCommand
    private VbsCommand vbs;

    @Parameters(paramLabel = "SNAPSHOT-ID", description = "The snapshot, e.g. snap-0123456789abcdef0.")
    private String snapshotId;

    @Override
    public Integer call() throws VbsFault {
        DeleteSnapshotType request = new DeleteSnapshotType();
        request.setSnapshotId(snapshotId);
        boolean accepted = vbs.port().deleteSnapshot(request).isReturn();
        vbs.print(Reports.deleted("snapshotId", "SNAPSHOT ID", snapshotId, accepted));
        return ExitCode.OK;
    }
}
