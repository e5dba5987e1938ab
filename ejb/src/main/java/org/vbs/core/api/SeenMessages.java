package org.vbs.core.api;

import java.time.Instant;

/**
 * The signed messages the service has already taken (by an identifier WS-Security derives from the
 * message), kept in the replicated, persistent metadata store until they expire, so a replayed
 * message is recognised by any node, also after a restart.
 */
public interface SeenMessages {
    boolean seen(String identifier);

    /**
     * Whether the whole cluster's record of seen messages can be read and written from this node: false
     * on the minority side of a network partition, where a message taken would be recorded on that
     * side only and could then be replayed to the majority.
     */
    boolean available();

    /** Remembers the message until the instant (its timestamp's expiry, after which it is refused as stale anyway). */
    void remember(String identifier, Instant until);
}
