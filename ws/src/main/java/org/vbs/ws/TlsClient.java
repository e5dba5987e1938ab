package org.vbs.ws;

import jakarta.servlet.ServletRequest;
import jakarta.xml.ws.WebServiceContext;
import jakarta.xml.ws.handler.MessageContext;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.Optional;
import java.util.function.Function;
import org.vbs.security.GridIdentity;
import org.vbs.security.grid.GridTrustSettings;
import org.vbs.security.grid.SignerChain;
import org.vbs.security.grid.TrustDirectory;

/**
 * The TLS client a call came through, for federation: a service (a Nimbus or Globus service, say)
 * connects over HTTPS presenting its own host certificate as TLS client certificate and signs the
 * SOAP message with a proxy its user delegated to it; the caller is the proxy chain's end entity (the
 * user), and the service is named in the audit line ({@code via}). The HTTPS listener's handshake
 * accepts client chains to a CA of its trust store (a copy of the CA directory made at start); here
 * the chain is checked against the grid CA directory itself, as signers are (canl: validity, CRLs,
 * namespaces, the directory re-read while the server runs), so a revoked host certificate or a CA
 * removed since the start is refused.
 */
final class TlsClient {
    /** Where a Jakarta Servlet container leaves the TLS client's chain (the client's certificate first). */
    static final String PEER_CHAIN = "jakarta.servlet.request.X509Certificate";

    private final Function<X509Certificate[], TrustDirectory.ChainCheck> trust;

    /** @param trust checks a chain against the grid CA directory */
    TlsClient(Function<X509Certificate[], TrustDirectory.ChainCheck> trust) {
        this.trust = trust;
    }

    /** Checks chains against the CA directory the server's crypto properties (the signers' trust) name. */
    static TlsClient ofServerTrust(Path cryptoProperties) {
        return new TlsClient(chain -> serverTrust(cryptoProperties).check(chain));
    }

    /**
     * Who the call came through: empty if the client presented no TLS certificate or is the caller
     * itself (a user connecting with the certificate it signs with); else the TLS client's identity
     * (the end entity of its chain).
     *
     * @throws UntrustedClientException if the client's chain does not validate against the CA directory
     */
    Optional<GridIdentity> via(WebServiceContext context, GridIdentity caller) {
        Optional<X509Certificate[]> chain = chainOf(context);
        if (chain.isEmpty()) {
            return Optional.empty();
        }
        TrustDirectory.ChainCheck check = trust.apply(chain.get());
        if (!check.trusted()) {
            throw new UntrustedClientException("TLS client certificate of "
                    + chain.get()[0].getSubjectX500Principal().getName() + " not trusted: "
                    + String.join("; ", check.problems()));
        }
        GridIdentity client = SignerChain.of(chain.get()).identity();
        return client.equals(caller) ? Optional.empty() : Optional.of(client);
    }

    private static Optional<X509Certificate[]> chainOf(WebServiceContext context) {
        if (context.getMessageContext().get(MessageContext.SERVLET_REQUEST) instanceof ServletRequest request
                && request.getAttribute(PEER_CHAIN) instanceof X509Certificate[] chain && chain.length > 0) {
            return Optional.of(chain.clone());
        }
        return Optional.empty();
    }

    private static TrustDirectory serverTrust(Path cryptoProperties) {
        return TrustDirectory.shared(GridTrustSettings.from(GridTrustSettings.load(cryptoProperties)));
    }

    /** The TLS client's chain failed the grid trust check; the message is for the audit log only. */
    static final class UntrustedClientException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        UntrustedClientException(String message) {
            super(message);
        }
    }
}
