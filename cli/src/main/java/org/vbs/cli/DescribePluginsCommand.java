package org.vbs.cli;

import java.util.concurrent.Callable;
import org.vbs.cli.generated.DescribePluginsType;
import org.vbs.cli.generated.VbsFault;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParentCommand;

@Command(name = "describe-plugins", description = "List the service's plugin bundles: their state, the drivers they provide, and why one is not active (or was refused).")
final class DescribePluginsCommand implements Callable<Integer> {
    @ParentCommand
    private VbsCommand vbs;

    @Override
    public Integer call() throws VbsFault {
        vbs.print(Reports.plugins(vbs.port().describePlugins(new DescribePluginsType()).getPluginSet().getItem()
                .stream().map(PluginView::of).toList()));
        return ExitCode.OK;
    }
}
