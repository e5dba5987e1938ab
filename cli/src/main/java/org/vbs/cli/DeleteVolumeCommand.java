package org.vbs.cli;

import java.util.concurrent.Callable;
import org.vbs.cli.generated.DeleteVolumeType;
import org.vbs.cli.generated.VbsFault;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

@Command(name = "delete-volume", description = "Delete a volume (its snapshots stay usable).")
final class DeleteVolumeCommand implements Callable<Integer> {
    @ParentCommand
    private VbsCommand vbs;

    @Parameters(paramLabel = "VOLUME-ID", description = "The volume, e.g. vol-0123456789abcdef0.")
    private String volumeId;

    @Override
    public Integer call() throws VbsFault {
        DeleteVolumeType request = new DeleteVolumeType();
        request.setVolumeId(volumeId);
        boolean accepted = vbs.port().deleteVolume(request).isReturn();
        vbs.print(Reports.deleted("volumeId", "VOLUME ID", volumeId, accepted));
        return ExitCode.OK;
    }
}
