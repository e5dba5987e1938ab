package org.vbs.cli;

import java.util.concurrent.Callable;
import org.vbs.cli.generated.DetachVolumeType;
import org.vbs.cli.generated.VbsFault;
import org.vbs.cli.generated.VolumeServicePortType;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

@Command(name = "detach-volume", description = "Detach a volume from its instance; the service removes its iSCSI"
        + " export and CHAP credentials.")
final class DetachVolumeCommand implements Callable<Integer> {
    static final String AVAILABLE = "available";

    @ParentCommand
    private VbsCommand vbs;

    @Parameters(paramLabel = "VOLUME-ID", description = "The volume, e.g. vol-0123456789abcdef0.")
    private String volumeId;

    @Option(names = "--instance", paramLabel = "INSTANCE-ID",
            description = "Detach only if the volume is attached to this instance.")
    private String instanceId;

    @Option(names = "--device", paramLabel = "DEVICE", description = "Detach only if it is attached as this device.")
    private String device;

    @Option(names = "--force", description = "Go on when the hypervisor host cannot detach it (last resort: the"
            + " guest may lose unwritten data); also cleans up a volume left in error by a failed attach or detach.")
    private boolean force;

    @Option(names = "--wait", description = "Wait until describe-volumes shows the volume available;"
            + " exit with status 5 if it ends in error or does not get there.")
    private boolean await;

    @Override
    public Integer call() throws VbsFault, InterruptedException {
        VolumeServicePortType port = vbs.port();
        DetachVolumeType request = new DetachVolumeType();
        request.setVolumeId(volumeId);
        request.setInstanceId(instanceId);
        request.setDevice(device);
        // Left out unless asked for, as EC2 clients do.
        request.setForce(force ? Boolean.TRUE : null);
        AttachmentView detached = AttachmentView.of(port.detachVolume(request));
        if (await) {
            new VolumeWaiter(port, vbs.context().sleeper()).await(volumeId, AVAILABLE);
        }
        vbs.print(Reports.attachment(detached));
        return ExitCode.OK;
    }
}
