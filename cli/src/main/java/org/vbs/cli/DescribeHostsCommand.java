package org.vbs.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.vbs.cli.generated.DescribeHostsSetItemType;
import org.vbs.cli.generated.DescribeHostsSetType;
import org.vbs.cli.generated.DescribeHostsType;
import org.vbs.cli.generated.VbsFault;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

@Command(name = "describe-hosts", description = "List the registered hosts: transport, address, drivers, properties"
        + " (secrets hidden) and why a driver does not work. Operators only.")
final class DescribeHostsCommand implements Callable<Integer> {
    @ParentCommand
    private VbsCommand vbs;

    @Parameters(paramLabel = "NAME", arity = "0..*", description = "Only these hosts (default: all).")
    private List<String> names = new ArrayList<>();

    @Override
    public Integer call() throws VbsFault {
        DescribeHostsType request = new DescribeHostsType();
        if (!names.isEmpty()) {
            request.setHostSet(new DescribeHostsSetType());
            for (String name : names) {
                DescribeHostsSetItemType item = new DescribeHostsSetItemType();
                item.setHostName(name);
                request.getHostSet().getItem().add(item);
            }
        }
        vbs.print(Reports.hosts(vbs.port().describeHosts(request).getHostSet().getItem().stream().map(HostView::of)
                .toList()));
        return ExitCode.OK;
    }
}
