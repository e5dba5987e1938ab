package org.vbs.cli;

import java.util.concurrent.Callable;
import org.vbs.cli.generated.AttachVolumeType;
import org.vbs.cli.generated.VbsFault;
import org.vbs.cli.generated.VolumeServicePortType;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

@Command(name = "attach-volume", description = "Attach a volume to a running instance (VM) on a hypervisor host:"
        + " the service exports it over iSCSI with fresh CHAP credentials and attaches it as DEVICE.")
final class AttachVolumeCommand implements Callable<Integer> {
    static final String IN_USE = "in-use";

    @ParentCommand
    private VbsCommand vbs;

    @Parameters(paramLabel = "VOLUME-ID", description = "The volume, e.g. vol-0123456789abcdef0.")
    private String volumeId;

    @Option(names = "--host", required = true, paramLabel = "HOST",
            description = "The registered hypervisor host the instance runs on.")
    private String host;

    @Option(names = "--instance", required = true, paramLabel = "INSTANCE-ID", description = "The instance (VM).")
    private String instanceId;

    @Option(names = "--device", required = true, paramLabel = "DEVICE",
            description = "The device name in the guest, e.g. vdb, sdb or /dev/xvdb.")
    private String device;

    @Option(names = "--wait", description = "Wait until describe-volumes shows the volume in-use;"
            + " exit with status 5 if it ends in error or does not get there.")
    private boolean await;

    @Override
    public Integer call() throws VbsFault, InterruptedException {
        VolumeServicePortType port = vbs.port();
        AttachVolumeType request = new AttachVolumeType();
        request.setVolumeId(volumeId);
        request.setHost(host);
        request.setInstanceId(instanceId);
        request.setDevice(device);
        AttachmentView attached = AttachmentView.of(port.attachVolume(request));
        if (await) {
            VolumeView volume = new VolumeWaiter(port, vbs.context().sleeper()).await(volumeId, IN_USE);
            // The attachment as it is now (attached), not as the answer had it.
            attached = volume.attachments().stream().findFirst().orElse(attached);
        }
        vbs.print(Reports.attachment(attached));
        return ExitCode.OK;
    }
}
