package org.vbs.cli;

import java.util.List;
import java.util.Optional;
import org.vbs.cli.generated.PluginSetItemType;

/**
 * One jar of the service's plugin directory, with its OSGi state, the drivers it provides and why
 * it is not active.
 */
public record PluginView(String file, Optional<String> symbolicName, Optional<String> version, String state,
                         Optional<String> problem, List<Driver> drivers) {
    public PluginView {
        drivers = List.copyOf(drivers);
    }

    /** A driver the bundle provides: its kind (volume, export, hypervisor) and id. */
    public record Driver(String kind, String id) {
        @Override
        public String toString() {
            return kind + "/" + id;
        }
    }

    public static PluginView of(PluginSetItemType item) {
        List<Driver> drivers = item.getDriverSet() == null ? List.of()
                : item.getDriverSet().getItem().stream().map(d -> new Driver(d.getKind(), d.getId())).toList();
        return new PluginView(item.getFile(), Optional.ofNullable(item.getSymbolicName()),
                Optional.ofNullable(item.getVersion()), item.getState(), Optional.ofNullable(item.getProblem()), drivers);
    }
}
