package org.vbs.plugins.spi;

import java.nio.file.Path;
import java.time.Duration;
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

    /**
     * A positive number of milliseconds, or {@code defaultMillis} when the property is not set.
     *
     * @throws DriverException {@code CONFIGURATION} naming the host, the property and the bad value
     */
    public Duration millis(String name, long defaultMillis) throws DriverException {
        String text = property(name).orElse(String.valueOf(defaultMillis));
        try {
            long value = Long.parseLong(text);
            if (value > 0) {
                return Duration.ofMillis(value);
            }
        } catch (NumberFormatException e) {
            // reported below with the value and what is expected
        }
        throw invalid(name, text, "a positive number of milliseconds");
    }

    /**
     * The fault for a property whose value the driver cannot use.
     *
     * @param expected what the value must be, e.g. "a plain absolute path"
     */
    public DriverException invalid(String name, String value, String expected) {
        return new DriverException(DriverException.Code.CONFIGURATION, "host " + host + ": the property '" + name
                + "' must be " + expected + ", not '" + value + "'");
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
