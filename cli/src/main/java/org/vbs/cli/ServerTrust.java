package org.vbs.cli;

import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;
import org.vbs.security.GridIdentity;

/**
 * How the CLI decides that an HTTPS server is the VBS service: its certificate chain must validate
 * against a grid CA directory ({@code <hash>.0} CA certificates, {@code <hash>.r0} CRLs), and then
 * either its subject must be the expected DN ({@code --server-dn}), or, without one, the certificate
 * must name the host of the service URL ({@link ServerTlsTrustManager#namesHost}).
 *
 * @param caDirectory the CA directory the server's chain must validate against
 * @param expectedDn the server's DN, if the user named it
 */
public record ServerTrust(Path caDirectory, Optional<GridIdentity> expectedDn) {
    public ServerTrust {
        Objects.requireNonNull(caDirectory, "caDirectory");
        Objects.requireNonNull(expectedDn, "expectedDn");
    }

    /** The same trust, expecting the server to be this DN. */
    public ServerTrust withExpectedDn(GridIdentity dn) {
        return new ServerTrust(caDirectory, Optional.of(dn));
    }
}
