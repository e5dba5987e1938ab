package org.vbs.ws;

import java.time.Instant;
import javax.naming.InitialContext;
import javax.naming.NamingException;
import org.apache.cxf.message.Message;
import org.apache.cxf.phase.AbstractPhaseInterceptor;
import org.apache.cxf.phase.Phase;
import org.apache.wss4j.common.cache.ReplayCache;
import org.vbs.core.api.SeenMessages;

/**
 * Hands WS-Security the service's own replay cache before it checks a message: the replicated,
 * persistent {@link SeenMessages} instead of CXF's per-JVM default, so a signed message is taken
 * once by the whole cluster, also across restarts. Runs in the READ phase, before the WS-Security
 * interceptor (PRE_PROTOCOL) looks the cache up.
 */
public final class ReplayCacheInterceptor extends AbstractPhaseInterceptor<Message> {
    /** CXF's {@code SecurityConstants.TIMESTAMP_CACHE_INSTANCE}: the cache of seen signed timestamps. */
    static final String TIMESTAMP_CACHE_INSTANCE = "ws-security.timestamp.cache.instance";
    private static final String SEEN_MESSAGES = "java:app/vbs-ejb/SeenMessagesBean!" + SeenMessages.class.getName();

    private volatile ReplayCache cache;

    public ReplayCacheInterceptor() {
        super(Phase.READ);
    }

    @Override
    public void handleMessage(Message message) {
        message.put(TIMESTAMP_CACHE_INSTANCE, cache());
    }

    private ReplayCache cache() {
        ReplayCache found = cache;
        if (found == null) {
            try {
                found = new ClusterReplayCache(InitialContext.doLookup(SEEN_MESSAGES));
            } catch (NamingException e) {
                // Without it WS-Security would fall back to a cache of this JVM alone: refuse instead.
                throw new IllegalStateException("the replay cache " + SEEN_MESSAGES + " is not deployed", e);
            }
            cache = found;
        }
        return found;
    }

    /** WSS4J's view of {@link SeenMessages}. */
    record ClusterReplayCache(SeenMessages seen) implements ReplayCache {
        @Override
        public void add(String identifier) {
            seen.remember(identifier, Instant.EPOCH);
        }

        @Override
        public void add(String identifier, Instant expiry) {
            seen.remember(identifier, expiry == null ? Instant.EPOCH : expiry);
        }

        @Override
        public boolean contains(String identifier) {
            return seen.seen(identifier);
        }

        @Override
        public void close() {
            // The cache belongs to the metadata store, which outlives any one endpoint.
        }
    }
}
