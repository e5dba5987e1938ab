package org.vbs.ws;

import java.time.Instant;
import java.util.UUID;
import javax.naming.InitialContext;
import javax.naming.NamingException;
import org.apache.cxf.message.Message;
import org.apache.cxf.phase.AbstractPhaseInterceptor;
import org.apache.cxf.phase.Phase;
import org.apache.wss4j.common.cache.ReplayCache;
import org.vbs.core.api.SeenMessages;
import org.vbs.core.cluster.MinoritySide;

/**
 * Hands WS-Security the service's own replay cache before it checks a message: the replicated,
 * persistent {@link SeenMessages} instead of CXF's per-JVM default, so a signed message is taken
 * once by the whole cluster, also across restarts. Runs in the READ phase, before the WS-Security
 * interceptor (PRE_PROTOCOL) looks the cache up. On the minority side of a network partition it
 * refuses the call instead (ServiceUnavailable): the cluster's record cannot be written there.
 */
public final class ReplayCacheInterceptor extends AbstractPhaseInterceptor<Message> {
    /** CXF's {@code SecurityConstants.TIMESTAMP_CACHE_INSTANCE}: the cache of seen signed timestamps. */
    static final String TIMESTAMP_CACHE_INSTANCE = "ws-security.timestamp.cache.instance";
    private static final String SEEN_MESSAGES = "java:app/vbs-ejb/SeenMessagesBean!" + SeenMessages.class.getName();

    private volatile ClusterReplayCache cache;

    private final FaultMapper faults = new FaultMapper();

    public ReplayCacheInterceptor() {
        super(Phase.READ);
    }

    /** With the seen messages given, as the unit tests do. */
    ReplayCacheInterceptor(SeenMessages seen) {
        this();
        this.cache = new ClusterReplayCache(seen);
    }

    /**
     * @throws org.apache.cxf.interceptor.Fault ServiceUnavailable on the minority side of a network
     *         partition: every signed call is refused there, before WS-Security would record its
     *         message on that side only (from where it could be replayed to the majority)
     */
    @Override
    public void handleMessage(Message message) {
        ClusterReplayCache found = cache();
        if (!found.seen().available()) {
            // The call has no request id yet (the endpoint makes one): this one names it in the fault.
            throw faults.soapFault(UUID.randomUUID().toString(), MinoritySide.refusal());
        }
        message.put(TIMESTAMP_CACHE_INSTANCE, found);
    }

    private ClusterReplayCache cache() {
        ClusterReplayCache found = cache;
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
