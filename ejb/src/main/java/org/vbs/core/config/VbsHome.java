package org.vbs.core.config;

import java.nio.file.Path;

/**
 * Where VBS keeps its files on a service node: system property {@code vbs.home} (the server is
 * started with it), else the environment variable {@code VBS_HOME}, else {@code ~/.vbs}.
 */
public final class VbsHome {
    public static final String PROPERTY = "vbs.home";
    public static final String ENVIRONMENT = "VBS_HOME";

    private VbsHome() {
    }

    public static Path resolve() {
        String property = System.getProperty(PROPERTY);
        if (property != null && !property.isBlank()) {
            return Path.of(property);
        }
        String environment = System.getenv(ENVIRONMENT);
        if (environment != null && !environment.isBlank()) {
            return Path.of(environment);
        }
        return Path.of(System.getProperty("user.home"), ".vbs");
    }

    /** A path given by a system property, or {@code fallback} under the VBS home. */
    public static Path property(String name, String fallback) {
        String value = System.getProperty(name);
        return value != null && !value.isBlank() ? Path.of(value) : resolve().resolve(fallback);
    }
}
