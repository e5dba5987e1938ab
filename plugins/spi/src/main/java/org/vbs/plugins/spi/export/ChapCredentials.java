package org.vbs.plugins.spi.export;

import java.util.Objects;
import java.util.Optional;
import org.vbs.plugins.spi.ArgType;
import org.vbs.plugins.spi.Secret;

/**
 * The CHAP accounts of one attachment: the initiator proves itself with {@code user}/{@code secret};
 * with mutual CHAP the target proves itself back with {@code outgoingUser}/{@code outgoingSecret}.
 * Fresh and random for every attachment; {@link #toString()} shows no secret.
 */
public record ChapCredentials(String user, Secret secret, Optional<String> outgoingUser,
                              Optional<Secret> outgoingSecret) {
    public ChapCredentials {
        ArgType.NAME.require("user", user);
        Objects.requireNonNull(secret, "secret");
        Objects.requireNonNull(outgoingUser, "outgoingUser");
        Objects.requireNonNull(outgoingSecret, "outgoingSecret");
        outgoingUser.ifPresent(u -> ArgType.NAME.require("outgoingUser", u));
        if (outgoingUser.isPresent() != outgoingSecret.isPresent()) {
            throw new IllegalArgumentException("mutual CHAP needs both an outgoing user and an outgoing secret");
        }
    }

    public boolean mutual() {
        return outgoingUser.isPresent();
    }

    @Override
    public String toString() {
        return "ChapCredentials[user=" + user + ", mutual=" + mutual() + "]";
    }
}
