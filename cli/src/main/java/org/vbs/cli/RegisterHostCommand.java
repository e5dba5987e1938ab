package org.vbs.cli;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import org.vbs.cli.generated.HostPropertySetItemType;
import org.vbs.cli.generated.HostPropertySetType;
import org.vbs.cli.generated.RegisterHostType;
import org.vbs.cli.generated.VbsFault;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

@Command(name = "register-host", description = "Register a volume server or hypervisor host with the keys of a host"
        + " file (transport, address, ssh.*, <kind>.driver, <kind>.<property>) for every node of the cluster,"
        + " which use it at once and keep it across restarts. Operators only.")
final class RegisterHostCommand implements Callable<Integer> {
    @ParentCommand
    private VbsCommand vbs;

    @Spec
    private CommandSpec spec;

    @Parameters(paramLabel = "NAME", description = "The host's name (a-z, 0-9, '-'), e.g. vs2.")
    private String name;

    @Option(names = "--property", paramLabel = "KEY=VALUE", description = "One key of the host file, e.g."
            + " transport=ssh, volume.driver=file. Repeatable.")
    private List<String> properties = new ArrayList<>();

    @Option(names = "--file", paramLabel = "FILE", description = "A host file (properties) holding the keys.")
    private Path file;

    @Override
    public Integer call() throws VbsFault {
        RegisterHostType request = new RegisterHostType();
        request.setHostName(name);
        request.setPropertySet(new HostPropertySetType());
        items().forEach((key, value) -> {
            HostPropertySetItemType item = new HostPropertySetItemType();
            item.setKey(key);
            item.setValue(value);
            request.getPropertySet().getItem().add(item);
        });
        vbs.print(Reports.hosts(List.of(HostView.of(vbs.port().registerHost(request).getHost()))));
        return ExitCode.OK;
    }

    private Map<String, String> items() {
        if (file != null && !properties.isEmpty()) {
            throw new ParameterException(spec.commandLine(), "give --property or --file, not both");
        }
        Map<String, String> items = new LinkedHashMap<>();
        if (file != null) {
            Properties read = new Properties();
            try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                read.load(in);
            } catch (IOException e) {
                throw new ParameterException(spec.commandLine(), "cannot read " + file + ": " + e.getMessage(), e);
            }
            new TreeSet<>(read.stringPropertyNames()).forEach(key -> items.put(key, read.getProperty(key)));
            return items;
        }
        for (String property : properties) {
            int equals = property.indexOf('=');
            if (equals <= 0) {
                throw new ParameterException(spec.commandLine(), "--property '" + property + "' must be key=value");
            }
            if (items.put(property.substring(0, equals), property.substring(equals + 1)) != null) {
                throw new ParameterException(spec.commandLine(), "--property " + property.substring(0, equals)
                        + " is given more than once");
            }
        }
        return items;
    }
}
