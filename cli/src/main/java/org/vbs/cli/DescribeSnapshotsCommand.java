package org.vbs.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.vbs.cli.generated.DescribeSnapshotsResponseType;
import org.vbs.cli.generated.DescribeSnapshotsSetItemType;
import org.vbs.cli.generated.DescribeSnapshotsSetType;
import org.vbs.cli.generated.DescribeSnapshotsType;
import org.vbs.cli.generated.VbsFault;
import org.vbs.cli.generated.VolumeServicePortType;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

@Command(name = "describe-snapshots", description = "List your snapshots, or the ones named.")
final class DescribeSnapshotsCommand implements Callable<Integer> {
    @ParentCommand
    private VbsCommand vbs;

    @Parameters(paramLabel = "SNAPSHOT-ID", arity = "0..*", description = "Only these snapshots (default: all of yours).")
    private List<String> snapshotIds = new ArrayList<>();

    @Mixin
    private DescribeOptions options;

    @Override
    public Integer call() throws VbsFault {
        VolumeServicePortType port = vbs.port();
        Pages.Page<SnapshotView> page = Pages.collect(options.firstToken(), options.all, token -> fetch(port, token));
        vbs.print(Reports.snapshots(page.items(), page.nextToken()));
        return ExitCode.OK;
    }

    private Pages.Page<SnapshotView> fetch(VolumeServicePortType port, Optional<String> token) throws VbsFault {
        DescribeSnapshotsType request = new DescribeSnapshotsType();
        if (!snapshotIds.isEmpty()) {
            request.setSnapshotSet(new DescribeSnapshotsSetType());
            for (String snapshotId : snapshotIds) {
                DescribeSnapshotsSetItemType item = new DescribeSnapshotsSetItemType();
                item.setSnapshotId(snapshotId);
                request.getSnapshotSet().getItem().add(item);
            }
        }
        request.setFilterSet(options.filterSet());
        request.setMaxResults(options.maxResults);
        request.setNextToken(token.orElse(null));
        DescribeSnapshotsResponseType response = port.describeSnapshots(request);
        return new Pages.Page<>(response.getSnapshotSet().getItem().stream().map(SnapshotView::of).toList(),
                Optional.ofNullable(response.getNextToken()));
    }
}
