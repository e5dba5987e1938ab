package org.vbs.cli;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import org.vbs.cli.generated.CreateVolumeType;
import org.vbs.cli.generated.ResourceTagSetItemType;
import org.vbs.cli.generated.ResourceTagSetType;
import org.vbs.cli.generated.TagSpecificationSetItemType;
import org.vbs.cli.generated.TagSpecificationSetType;
import org.vbs.cli.generated.VbsFault;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;
import picocli.CommandLine.TypeConversionException;

@Command(name = "create-volume", description = "Create a volume: empty, or a copy of a snapshot.")
final class CreateVolumeCommand implements Callable<Integer> {
    @ParentCommand
    private VbsCommand vbs;

    @Spec
    private CommandSpec spec;

    @Option(names = "--size", paramLabel = "GiB", converter = SizeConverter.class,
            description = "Size in GiB (a whole number). May be left out with --snapshot-id: the snapshot's size.")
    private Long sizeGiB;

    @Option(names = "--snapshot-id", paramLabel = "SNAPSHOT-ID", description = "Make the volume a copy of this snapshot.")
    private String snapshotId;

    @Option(names = "--client-token", paramLabel = "TOKEN",
            description = "Makes the call idempotent: a retry with the same token returns the same volume (default:"
                    + " a new token for each run, so a retry on another node of --url cannot make a second volume).")
    private String clientToken;

    @Option(names = "--tag", paramLabel = "KEY=VALUE", converter = Tag.Converter.class,
            description = "A tag for the volume. Repeatable.")
    private List<Tag> tags = new ArrayList<>();

    @Override
    public Integer call() throws VbsFault {
        CreateVolumeType request = new CreateVolumeType();
        if (sizeGiB != null) {
            request.setSize(sizeGiB.toString());
        }
        request.setSnapshotId(snapshotId);
        // EC2's ClientToken: the service returns the volume an earlier call with this token made, so
        // FailoverPort may repeat the call on another node after a connection lost mid-call.
        request.setClientToken(clientToken != null ? clientToken : newClientToken());
        if (!tags.isEmpty()) {
            request.setTagSpecificationSet(tagSpecification());
        }
        vbs.print(Reports.volume(VolumeView.of(vbs.port().createVolume(request))));
        return ExitCode.OK;
    }

    /** 44 printable ASCII characters, within EC2's 64. */
    static String newClientToken() {
        return "vbs-cli-" + UUID.randomUUID();
    }

    private TagSpecificationSetType tagSpecification() {
        Set<String> keys = new HashSet<>();
        ResourceTagSetType tagSet = new ResourceTagSetType();
        for (Tag tag : tags) {
            if (!keys.add(tag.key())) {
                throw new ParameterException(spec.commandLine(), "tag key '" + tag.key() + "' is given twice");
            }
            ResourceTagSetItemType item = new ResourceTagSetItemType();
            item.setKey(tag.key());
            item.setValue(tag.value());
            tagSet.getItem().add(item);
        }
        TagSpecificationSetItemType specification = new TagSpecificationSetItemType();
        specification.setResourceType("volume");
        specification.setTagSet(tagSet);
        TagSpecificationSetType set = new TagSpecificationSetType();
        set.getItem().add(specification);
        return set;
    }

    /**
     * {@code --size}: a whole number, or a usage error before anything is sent. Its range (positive,
     * not absurd) is the service's to judge, so every client gets the same answer.
     */
    static final class SizeConverter implements ITypeConverter<Long> {
        @Override
        public Long convert(String value) {
            try {
                return Long.parseLong(value.strip());
            } catch (NumberFormatException e) {
                throw new TypeConversionException("size '" + value + "' is not a whole number of GiB (e.g. --size 10)");
            }
        }
    }
}
