package org.vbs.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.vbs.cli.generated.DescribeVolumesResponseType;
import org.vbs.cli.generated.DescribeVolumesSetItemType;
import org.vbs.cli.generated.DescribeVolumesSetType;
import org.vbs.cli.generated.DescribeVolumesType;
import org.vbs.cli.generated.VolumeServicePortType;
import org.vbs.cli.generated.VbsFault;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

@Command(name = "describe-volumes", description = "List your volumes, or the ones named.")
final class DescribeVolumesCommand implements Callable<Integer> {
    @ParentCommand
    private VbsCommand vbs;

    @Parameters(paramLabel = "VOLUME-ID", arity = "0..*", description = "Only these volumes (default: all of yours).")
    private List<String> volumeIds = new ArrayList<>();

    @Mixin
    private DescribeOptions options;

    @Override
    public Integer call() throws VbsFault {
        VolumeServicePortType port = vbs.port();
        Pages.Page<VolumeView> page = Pages.collect(options.firstToken(), options.all, token -> fetch(port, token));
        vbs.print(Reports.volumes(page.items(), page.nextToken()));
        return ExitCode.OK;
    }

    private Pages.Page<VolumeView> fetch(VolumeServicePortType port, Optional<String> token) throws VbsFault {
        DescribeVolumesType request = new DescribeVolumesType();
        if (!volumeIds.isEmpty()) {
            request.setVolumeSet(new DescribeVolumesSetType());
            for (String volumeId : volumeIds) {
                DescribeVolumesSetItemType item = new DescribeVolumesSetItemType();
                item.setVolumeId(volumeId);
                request.getVolumeSet().getItem().add(item);
            }
        }
        request.setFilterSet(options.filterSet());
        request.setMaxResults(options.maxResults);
        request.setNextToken(token.orElse(null));
        DescribeVolumesResponseType response = port.describeVolumes(request);
        return new Pages.Page<>(response.getVolumeSet().getItem().stream().map(VolumeView::of).toList(),
                Optional.ofNullable(response.getNextToken()));
    }
}
