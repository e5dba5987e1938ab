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

/** {@link SeenMessages} in the replicated "replay" cache, each entry living until its message expires. */
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
        return replay.containsKey(identifier);
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
        replay.put(identifier, until.toEpochMilli(), lifespan.toMillis(), TimeUnit.MILLISECONDS);
    }
}
