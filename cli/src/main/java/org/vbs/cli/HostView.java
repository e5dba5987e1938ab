package org.vbs.cli;

import java.util.LinkedHashMap;
import java.util.Map;
import org.vbs.cli.generated.HostSetItemType;

/**
 * One registered host as the service describes it: how it is reached, its drivers by kind, the other
 * keys of its file (a secret shown as "(hidden)"), and why a driver does not work, by kind.
 */
public record HostView(String hostName, String transport, String address, Map<String, String> drivers,
                       Map<String, String> properties, Map<String, String> problems) {
    public HostView {
        drivers = Map.copyOf(drivers);
        properties = Map.copyOf(properties);
        problems = Map.copyOf(problems);
    }

    public static HostView of(HostSetItemType item) {
        Map<String, String> drivers = new LinkedHashMap<>();
        item.getDriverSet().getItem().forEach(d -> drivers.put(d.getKind(), d.getId()));
        Map<String, String> properties = new LinkedHashMap<>();
        item.getPropertySet().getItem().forEach(p -> properties.put(p.getKey(), p.getValue()));
        Map<String, String> problems = new LinkedHashMap<>();
        item.getProblemSet().getItem().forEach(p -> problems.put(p.getKind(), p.getMessage()));
        return new HostView(item.getHostName(), item.getTransport(), item.getAddress(), drivers, properties, problems);
    }
}
