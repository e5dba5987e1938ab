package org.vbs.ws;

import java.time.Instant;
import java.util.UUID;
import javax.naming.InitialContext;
import javax.naming.NamingException;
import org.apache.cxf.interceptor.Fault;
import org.apache.cxf.message.Exchange;
import org.apache.cxf.message.Message;
import org.apache.cxf.phase.AbstractPhaseInterceptor;
import org.apache.cxf.phase.Phase;
import org.apache.wss4j.common.cache.ReplayCache;
import org.vbs.core.api.SeenMessages;
import org.vbs.core.api.VbsException;
import org.vbs.core.cluster.MinoritySide;

/**
 * Hands WS-Security the service's own replay cache before it checks a message: the replicated,
 * persistent {@link SeenMessages} instead of CXF's per-JVM default, so a signed message is taken
 * once by the whole cluster, also across restarts. Runs in the READ phase, before the WS-Security
 * interceptor (PRE_PROTOCOL) looks the cache up. On the minority side of a network partition it
 * refuses the call instead (ServiceUnavailable): the cluster's record cannot be written there.
 *
 * <p>When the cache refuses while WS-Security uses it (the cluster's members changing, see
 * {@code ViewChange}), WS-Security would answer with its own "security error", the caller's fault;
 * the cache's refusal is kept on the exchange and answered instead ({@link #handleFault}), so the
 * caller sees ServiceUnavailable and retries, as it would for any call the service could not take.
 */
public final class ReplayCacheInterceptor extends AbstractPhaseInterceptor<Message> {
    /** CXF's {@code SecurityConstants.TIMESTAMP_CACHE_INSTANCE}: the cache of seen signed timestamps. */
    static final String TIMESTAMP_CACHE_INSTANCE = "ws-security.timestamp.cache.instance";
    private static final String SEEN_MESSAGES = "java:app/vbs-ejb/SeenMessagesBean!" + SeenMessages.class.getName();

    /** The exchange's key of the refusal the cache raised while WS-Security used it. */
    static final String CACHE_REFUSAL = ReplayCacheInterceptor.class.getName() + ".refusal";

    private volatile SeenMessages seen;

    private final FaultMapper faults = new FaultMapper();

    public ReplayCacheInterceptor() {
        super(Phase.READ);
    }

    /** With the seen messages given, as the unit tests do. */
    ReplayCacheInterceptor(SeenMessages seen) {
        this();
        this.seen = seen;
    }

    /**
     * @throws org.apache.cxf.interceptor.Fault ServiceUnavailable on the minority side of a network
     *         partition: every signed call is refused there, before WS-Security would record its
     *         message on that side only (from where it could be replayed to the majority)
     */
    @Override
    public void handleMessage(Message message) {
        SeenMessages found = seenMessages();
        if (!found.available()) {
            throw refusal(MinoritySide.refusal());
        }
        message.put(TIMESTAMP_CACHE_INSTANCE, new ClusterReplayCache(found, message.getExchange()));
    }

    /** Answers the cache's own refusal, if it raised one, instead of what WS-Security made of it. */
    @Override
    public void handleFault(Message message) {
        if (message.getExchange() != null && message.getExchange().get(CACHE_REFUSAL) instanceof VbsException refused) {
            message.setContent(Exception.class, refusal(refused));
        }
    }

    /** The call has no request id yet (the endpoint makes one): the fault names one of its own. */
    private Fault refusal(VbsException refused) {
        return faults.soapFault(UUID.randomUUID().toString(), refused);
    }

    private SeenMessages seenMessages() {
        SeenMessages found = seen;
        if (found == null) {
            try {
                found = InitialContext.doLookup(SEEN_MESSAGES);
            } catch (NamingException e) {
                // Without it WS-Security would fall back to a cache of this JVM alone: refuse instead.
                throw new IllegalStateException("the replay cache " + SEEN_MESSAGES + " is not deployed", e);
            }
            seen = found;
        }
        return found;
    }

    /** WSS4J's view of {@link SeenMessages} for one message's exchange, where a refusal is kept. */
    record ClusterReplayCache(SeenMessages seen, Exchange exchange) implements ReplayCache {
        @Override
        public void add(String identifier) {
            add(identifier, Instant.EPOCH);
        }

        @Override
        public void add(String identifier, Instant expiry) {
            try {
                seen.remember(identifier, expiry == null ? Instant.EPOCH : expiry);
            } catch (VbsException refused) {
                throw kept(refused);
            }
        }

        @Override
        public boolean contains(String identifier) {
            try {
                return seen.seen(identifier);
            } catch (VbsException refused) {
                throw kept(refused);
            }
        }

        private VbsException kept(VbsException refused) {
            exchange.put(CACHE_REFUSAL, refused);
            return refused;
        }

        @Override
        public void close() {
            // The cache belongs to the metadata store, which outlives any one endpoint.
        }
    }
}
