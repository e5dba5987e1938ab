package org.vbs.security;

import java.util.Objects;
import javax.security.auth.x500.X500Principal;

/**
 * Who is calling: the subject DN of the end-entity certificate that signed the request (for a
 * proxy chain, the DN of the user's own certificate, not of the proxy). Held in RFC 2253 form so
 * that two spellings of one DN compare equal.
 */
public record GridIdentity(String dn) implements java.io.Serializable {
    public GridIdentity {
        Objects.requireNonNull(dn, "dn");
        if (dn.isBlank()) {
            throw new IllegalArgumentException("an identity needs a non-empty DN");
        }
        dn = new X500Principal(dn).getName(X500Principal.RFC2253);
    }

    public static GridIdentity of(X500Principal principal) {
        return new GridIdentity(principal.getName(X500Principal.RFC2253));
    }

    @Override
    public String toString() {
        return dn;
    }
}
