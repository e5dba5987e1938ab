package org.vbs.core.domain;

import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * Makes candidate ids. A candidate is unique only once claimed: the store inserts it with
 * {@code putIfAbsent} and asks for another one on a collision, so no coordinator is needed.
 */
@FunctionalInterface
public interface IdGenerator {

    String next(ResourceKind kind);

    /** Ids from 68 bits of a {@link SecureRandom}: {@code vol-} + 17 lowercase hex digits. */
    static IdGenerator secureRandom() {
        SecureRandom random = new SecureRandom();
        HexFormat hex = HexFormat.of();
        return kind -> {
            byte[] bits = new byte[(ResourceKind.HEX_DIGITS + 1) / 2];
            random.nextBytes(bits);
            // 9 bytes are 18 digits; dropping the first keeps 17 uniformly random ones.
            return kind.prefix() + hex.formatHex(bits).substring(1);
        };
    }
}
