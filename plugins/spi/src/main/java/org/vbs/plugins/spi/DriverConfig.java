package org.vbs.plugins.spi;

import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What the operator configured for one driver on one host: its properties (e.g. the file driver's
 * {@code pool}) and its command-template overrides. The core reads both from the host registration;
 * nothing backend-specific lives in the core.
 *
 * @param host the registered host's name
 * @param properties the driver's properties as the operator wrote them
 * @param templateOverrides command templates replacing the bundle's defaults, by key
 */
public record DriverConfig(String host, Map<String, String> properties, Map<String, String> templateOverrides) {
    public DriverConfig {
        Objects.requireNonNull(host, "host");
        properties = Map.copyOf(properties);
        templateOverrides = Map.copyOf(templateOverrides);
    }

    public Optional<String> property(String name) {
        return Optional.ofNullable(properties.get(name)).map(String::strip).filter(v -> !v.isEmpty());
    }

    /** @throws DriverException {@code CONFIGURATION} naming the host and the missing property */
    public String require(String name) throws DriverException {
        Optional<String> value = property(name);
        if (value.isEmpty()) {
            throw new DriverException(DriverException.Code.CONFIGURATION, "host " + host + ": the driver needs the"
                    + " property '" + name + "'");
        }
        return value.get();
    }

    /** An absolute path property. */
    public Path requirePath(String name) throws DriverException {
        Path path = Path.of(require(name));
        if (!path.isAbsolute()) {
            throw new DriverException(DriverException.Code.CONFIGURATION, "host " + host + ": the property '" + name
                    + "' must be an absolute path, not " + path);
        }
        return path;
    }
}
