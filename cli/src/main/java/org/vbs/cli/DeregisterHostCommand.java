package org.vbs.cli;

import java.util.concurrent.Callable;
import org.vbs.cli.generated.DeregisterHostType;
import org.vbs.cli.generated.VbsFault;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

@Command(name = "deregister-host", description = "Deregister a host for every node of the cluster (and delete the host"
        + " file of that name of the node called, if it has one); refused while a volume or snapshot is kept on it or"
        + " a volume is attached through it. Operators only.")
final class DeregisterHostCommand implements Callable<Integer> {
    @ParentCommand
    private VbsCommand vbs;

    @Parameters(paramLabel = "NAME", description = "The host's name.")
    private String name;

    @Override
    public Integer call() throws VbsFault {
        DeregisterHostType request = new DeregisterHostType();
        request.setHostName(name);
        boolean accepted = vbs.port().deregisterHost(request).isReturn();
        vbs.print(Reports.deleted("hostName", "HOST", name, accepted));
        return ExitCode.OK;
    }
}
