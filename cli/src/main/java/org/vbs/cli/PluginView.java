package org.vbs.cli;

import java.util.Optional;
import org.vbs.cli.generated.PluginSetItemType;

/** One bundle of the service's plugin directory, with its OSGi state and why it is not active. */
public record PluginView(String file, Optional<String> symbolicName, Optional<String> version, String state,
                         Optional<String> problem) {
    public static PluginView of(PluginSetItemType item) {
        return new PluginView(item.getFile(), Optional.ofNullable(item.getSymbolicName()),
                Optional.ofNullable(item.getVersion()), item.getState(), Optional.ofNullable(item.getProblem()));
    }
}
