package org.vbs.cli;

import java.util.concurrent.Callable;
import org.vbs.cli.generated.ReconcileStorageResponseType;
import org.vbs.cli.generated.ReconcileStorageType;
import org.vbs.cli.generated.VbsFault;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

@Command(name = "reconcile-storage", description = "Compare what the volume servers and hypervisor hosts hold with the"
        + " service's metadata: report orphan storage, iSCSI targets and VM devices (removed under the clean policy),"
        + " and mark volumes and snapshots whose storage is gone error. Operators only.")
final class ReconcileStorageCommand implements Callable<Integer> {
    /** The policies the service takes; checked here too, so a typo is a usage error before anything is sent. */
    enum Policy {
        report, clean
    }

    @ParentCommand
    private VbsCommand vbs;

    @Option(names = "--policy", paramLabel = "POLICY", description = "report (orphans are only reported) or clean"
            + " (they are removed); default: the server's vbs.reconciler.policy.")
    private Policy policy;

    @Override
    public Integer call() throws VbsFault {
        ReconcileStorageType request = new ReconcileStorageType();
        if (policy != null) {
            request.setPolicy(policy.name());
        }
        ReconcileStorageResponseType response = vbs.port().reconcileStorage(request);
        vbs.print(Reports.reconciliation(response));
        return ExitCode.OK;
    }
}
