package org.vbs.core.service;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Objects;
import java.util.Properties;

/**
 * How long a driver call may take before its step is cut off and the operation rolls back: a host
 * call (create or delete storage, export, attach, detach), and a copy (snapshot, volume from a
 * snapshot), which grows with the data. And the lease: how long a node holds an operation it does not
 * renew (it renews every third of it while it works) before another node takes the operation over, so
 * roughly how long an operation of a dead node waits for a survivor.
 *
 * <p>An operator sets them as server system properties {@value #HOST_CALL_PROPERTY},
 * {@value #COPY_PROPERTY} and {@value #LEASE_PROPERTY}: an ISO-8601 duration ({@code PT30S},
 * {@code PT6H}) or whole seconds.
 */
public record Timeouts(Duration hostCall, Duration copy, Duration lease) {
    /** What the service uses when nothing is set. */
    public static final Timeouts DEFAULT = new Timeouts(Duration.ofMinutes(2), Duration.ofHours(6),
            Duration.ofSeconds(30));
    public static final String HOST_CALL_PROPERTY = "vbs.timeout.host-call";
    public static final String COPY_PROPERTY = "vbs.timeout.copy";
    public static final String LEASE_PROPERTY = "vbs.operation.lease";

    public Timeouts {
        Objects.requireNonNull(hostCall, "hostCall");
        Objects.requireNonNull(copy, "copy");
        Objects.requireNonNull(lease, "lease");
    }

    /** The same with another lease. */
    public Timeouts withLease(Duration newLease) {
        return new Timeouts(hostCall, copy, newLease);
    }

    /**
     * The timeouts the properties set, each defaulting to {@link #DEFAULT}'s.
     *
     * @throws IllegalArgumentException naming the property and its value when it is not a positive duration
     */
    public static Timeouts from(Properties properties) {
        return new Timeouts(duration(properties, HOST_CALL_PROPERTY, DEFAULT.hostCall()),
                duration(properties, COPY_PROPERTY, DEFAULT.copy()), duration(properties, LEASE_PROPERTY, DEFAULT.lease()));
    }

    private static Duration duration(Properties properties, String name, Duration fallback) {
        String text = properties.getProperty(name);
        if (text == null || text.isBlank()) {
            return fallback;
        }
        String value = text.strip();
        Duration parsed;
        try {
            parsed = value.chars().allMatch(Character::isDigit) && value.length() <= 9
                    ? Duration.ofSeconds(Long.parseLong(value))
                    : Duration.parse(value);
        } catch (DateTimeParseException e) {
            throw invalid(name, value, e);
        }
        if (parsed.isNegative() || parsed.isZero()) {
            throw invalid(name, value, null);
        }
        return parsed;
    }

    private static IllegalArgumentException invalid(String name, String value, Exception cause) {
        return new IllegalArgumentException("System property " + name + " is '" + value + "': expected a positive"
                + " ISO-8601 duration such as PT30S, or a whole number of seconds", cause);
    }
}
