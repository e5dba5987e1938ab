package org.vbs.plugins.spi;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;

/**
 * A driver's set of command templates: the defaults from a properties file inside its bundle, each
 * replaced by the operator's value where {@link DriverConfig#templateOverrides()} has one.
 */
public final class CommandTemplates {
    private final Map<String, CommandTemplate> templates;

    private CommandTemplates(Map<String, CommandTemplate> templates) {
        this.templates = Map.copyOf(templates);
    }

    /**
     * @param resource the bundle's defaults, e.g. {@code "/org/vbs/plugins/export/tgt/commands.properties"},
     *        read with {@code owner}'s class loader
     * @param types every placeholder the driver fills, with its type
     * @param overrides the operator's templates by key; a key the bundle does not define is refused
     * @throws DriverException {@code CONFIGURATION} when the defaults are missing or a template is invalid
     */
    public static CommandTemplates load(Class<?> owner, String resource, Map<String, ArgType> types,
                                        Map<String, String> overrides) throws DriverException {
        Objects.requireNonNull(overrides, "overrides");
        Properties defaults = new Properties();
        try (InputStream in = owner.getResourceAsStream(resource)) {
            if (in == null) {
                throw new DriverException(DriverException.Code.CONFIGURATION, "the command templates " + resource
                        + " are missing from the bundle of " + owner.getName());
            }
            defaults.load(new InputStreamReader(in, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new DriverException(DriverException.Code.CONFIGURATION, "cannot read the command templates "
                    + resource + ": " + e.getMessage(), e);
        }
        Map<String, CommandTemplate> parsed = new HashMap<>();
        for (String key : overrides.keySet()) {
            if (!defaults.containsKey(key)) {
                throw new DriverException(DriverException.Code.CONFIGURATION, "the operator's command template '"
                        + key + "' overrides nothing: the templates of " + resource + " are " + defaults.keySet());
            }
        }
        for (String key : defaults.stringPropertyNames()) {
            String text = overrides.getOrDefault(key, defaults.getProperty(key));
            try {
                parsed.put(key, CommandTemplate.parse(key, text, types));
            } catch (IllegalArgumentException e) {
                throw new DriverException(DriverException.Code.CONFIGURATION, e.getMessage()
                        + (overrides.containsKey(key) ? " (the operator's override)" : " (the bundle's default)"), e);
            }
        }
        return new CommandTemplates(parsed);
    }

    /** @throws IllegalArgumentException for a key the bundle does not define (a driver bug) */
    public CommandTemplate get(String key) {
        CommandTemplate template = templates.get(key);
        if (template == null) {
            throw new IllegalArgumentException("no command template " + key + " (known: " + templates.keySet() + ")");
        }
        return template;
    }
}
