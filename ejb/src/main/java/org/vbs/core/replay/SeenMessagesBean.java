package org.vbs.core.replay;

import jakarta.annotation.Resource;
import jakarta.ejb.Local;
import jakarta.ejb.Stateless;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import org.infinispan.Cache;
import org.infinispan.partitionhandling.AvailabilityMode;
import org.vbs.core.api.SeenMessages;
import org.vbs.core.cluster.MinoritySide;
import org.vbs.core.cluster.ViewChange;

/**
 * {@link SeenMessages} in the replicated "replay" cache, each entry living until its message expires.
 * A read or write the cluster cannot serve now is answered with ServiceUnavailable (minority side, or
 * members changing), so WS-Security's caller learns that the service, not its message, was at fault.
 */
@Stateless
@Local(SeenMessages.class)
@TransactionAttribute(TransactionAttributeType.NOT_SUPPORTED)
public class SeenMessagesBean implements SeenMessages {
    /** An entry lives at least this long, so a message without an expiry is still refused when replayed soon. */
    static final Duration MINIMUM_LIFESPAN = Duration.ofMinutes(5);

    @Resource(lookup = "java:jboss/infinispan/cache/vbs/replay")
    private Cache<String, Long> replay;

    private final Clock clock = Clock.systemUTC();

    @Override
    public boolean seen(String identifier) {
        try {
            return replay.containsKey(identifier);
        } catch (RuntimeException e) {
            throw unavailable(e);
        }
    }

    @Override
    public boolean available() {
        return replay.getAdvancedCache().getAvailability() == AvailabilityMode.AVAILABLE;
    }

    @Override
    public void remember(String identifier, Instant until) {
        Duration lifespan = Duration.between(clock.instant(), until);
        if (lifespan.compareTo(MINIMUM_LIFESPAN) < 0) {
            lifespan = MINIMUM_LIFESPAN;
        }
        try {
            replay.put(identifier, until.toEpochMilli(), lifespan.toMillis(), TimeUnit.MILLISECONDS);
        } catch (RuntimeException e) {
            throw unavailable(e);
        }
    }

    /** The cluster's refusal when it is one, else the failure unchanged. */
    static RuntimeException unavailable(RuntimeException failure) {
        if (MinoritySide.causedBy(failure)) {
            return MinoritySide.refusal(failure);
        }
        if (ViewChange.causedBy(failure)) {
            return ViewChange.refusal(failure);
        }
        return failure;
    }
}
