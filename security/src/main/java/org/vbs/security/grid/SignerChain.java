package org.vbs.security.grid;

import eu.emi.security.authn.x509.proxy.ProxyChainInfo;
import eu.emi.security.authn.x509.proxy.ProxyUtils;
import java.io.IOException;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.Objects;
import org.vbs.security.GridIdentity;

/**
 * Who a validated signing chain speaks for: the subject of its end-entity certificate (for a plain
 * certificate that is the signer; for an RFC 3820 proxy chain the user who made the proxies), and
 * whether it is a proxy chain and a limited one (a limited proxy may only read).
 *
 * @param identity the end entity's DN, the caller's identity
 * @param proxy whether the signer is a proxy of that end entity
 * @param limited whether any proxy of the chain is limited
 */
public record SignerChain(GridIdentity identity, boolean proxy, boolean limited) {
    public SignerChain {
        Objects.requireNonNull(identity, "identity");
        if (limited && !proxy) {
            throw new IllegalArgumentException("only a proxy chain can be limited");
        }
    }

    /**
     * The chain's identity. Call it only with a chain the trust check accepted: it reads the chain,
     * it does not validate it.
     *
     * @param chain the signer first
     * @throws IllegalArgumentException if the chain is empty or its proxy extensions cannot be read
     */
    public static SignerChain of(X509Certificate[] chain) {
        if (chain == null || chain.length == 0) {
            throw new IllegalArgumentException("no certificate");
        }
        if (!ProxyUtils.isProxy(chain[0])) {
            return new SignerChain(GridIdentity.of(chain[0].getSubjectX500Principal()), false, false);
        }
        try {
            return new SignerChain(GridIdentity.of(ProxyUtils.getOriginalUserDN(chain)), true,
                    new ProxyChainInfo(chain).isLimited());
        } catch (CertificateException | IOException e) {
            throw new IllegalArgumentException("the proxy chain of " + chain[0].getSubjectX500Principal()
                    + " cannot be read: " + e.getMessage(), e);
        }
    }
}
