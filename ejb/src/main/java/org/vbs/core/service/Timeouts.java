package org.vbs.core.service;

import java.time.Duration;
import java.util.Objects;

/**
 * How long a driver call may take before its step is cut off and the operation rolls back: a host
 * call (create or delete storage, export, attach, detach), and a copy (snapshot, volume from a
 * snapshot), which grows with the data.
 */
public record Timeouts(Duration hostCall, Duration copy) {
    /** What the service uses. */
    public static final Timeouts DEFAULT = new Timeouts(Duration.ofMinutes(2), Duration.ofHours(6));

    public Timeouts {
        Objects.requireNonNull(hostCall, "hostCall");
        Objects.requireNonNull(copy, "copy");
    }
}
