package org.vbs.core.host;

import java.util.Map;
import java.util.regex.Pattern;
import org.vbs.core.domain.UserText;

/**
 * One driver of a registered host: which factory makes it, with which properties.
 *
 * @param driverId the factory's id, e.g. {@code file}, {@code tgt}, {@code qemu}
 */
public record DriverRegistration(String driverId, Map<String, String> properties) {
    /** Driver ids go into an LDAP filter: only these characters, so none needs escaping. */
    private static final Pattern ID = Pattern.compile("[a-z][a-z0-9._-]{0,63}");

    public DriverRegistration {
        if (driverId == null || !ID.matcher(driverId).matches()) {
            throw new IllegalArgumentException("a driver id must be 1 to 64 of a-z, 0-9, '.', '_', '-' starting with a"
                    + " letter, not " + UserText.quote(driverId));
        }
        properties = Map.copyOf(properties);
    }
}
