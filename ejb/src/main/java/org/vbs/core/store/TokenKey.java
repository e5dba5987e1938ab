package org.vbs.core.store;

import java.io.Serializable;
import java.util.Objects;

/** Key of the client-token cache: a token is unique per owner, as in EC2. */
public record TokenKey(String owner, String token) implements Serializable {
    public TokenKey {
        Objects.requireNonNull(owner, "owner");
        Objects.requireNonNull(token, "token");
    }
}
