package org.vbs.core.api;

import java.time.Instant;

/**
 * The signed messages the service has already taken (by an identifier WS-Security derives from the
 * message), kept in the replicated, persistent metadata store until they expire, so a replayed
 * message is recognised by any node, also after a restart.
 */
public interface SeenMessages {
    boolean seen(String identifier);

    /** Remembers the message until the instant (its timestamp's expiry, after which it is refused as stale anyway). */
    void remember(String identifier, Instant until);
}
