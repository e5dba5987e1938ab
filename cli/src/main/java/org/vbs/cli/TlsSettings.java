package org.vbs.cli;

import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;
import org.vbs.security.GridIdentity;

/**
 * HTTPS settings of the CLI. How it decides that the server is the VBS service: the server's chain
 * must validate against a grid CA directory ({@code <hash>.0} CA certificates, {@code <hash>.r0}
 * CRLs), and then either its subject must be the expected DN ({@code --server-dn}) or, without one,
 * the certificate must name the host of the service URL ({@link ServerTlsTrustManager#namesHost}).
 * And what it presents: normally nothing (requests are signed); a federated service presents its
 * own host credential ({@code --tls-cert}/{@code --tls-key}) while it signs with a user's proxy.
 *
 * @param caDirectory the CA directory the server's chain must validate against
 * @param expectedDn the server's DN, if the user named it
 * @param clientCertificate the TLS client certificate (PEM, with its chain), if any
 * @param clientKey its private key (unencrypted PEM), present exactly when the certificate is
 */
public record TlsSettings(Path caDirectory, Optional<GridIdentity> expectedDn, Optional<Path> clientCertificate,
                          Optional<Path> clientKey) {
    public TlsSettings {
        Objects.requireNonNull(caDirectory, "caDirectory");
        Objects.requireNonNull(expectedDn, "expectedDn");
        if (clientCertificate.isPresent() != clientKey.isPresent()) {
            throw new IllegalArgumentException("a TLS client certificate needs its key and a key its certificate:"
                    + " give --tls-cert and --tls-key together");
        }
    }

    /** The CA directory alone: no expected DN, no client credential. */
    public static TlsSettings trusting(Path caDirectory) {
        return new TlsSettings(caDirectory, Optional.empty(), Optional.empty(), Optional.empty());
    }

    /** The same settings, expecting the server to be this DN. */
    public TlsSettings withExpectedDn(GridIdentity dn) {
        return new TlsSettings(caDirectory, Optional.of(dn), clientCertificate, clientKey);
    }

    /** The same settings, presenting this credential as TLS client. */
    public TlsSettings withClientCredential(Path certificate, Path key) {
        return new TlsSettings(caDirectory, expectedDn, Optional.of(certificate), Optional.of(key));
    }
}
