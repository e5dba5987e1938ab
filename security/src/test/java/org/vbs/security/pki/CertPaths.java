package org.vbs.security.pki;

import java.security.GeneralSecurityException;
import java.security.cert.CertPathValidator;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Set;

/** Path validation by the JDK's PKIX validator, as a relying party does it. */
final class CertPaths {
    private CertPaths() {
    }

    /**
     * Validates the path (end entity first, trust anchor excluded) against the anchor, without
     * revocation checks (the development CA publishes no CRL).
     *
     * @throws GeneralSecurityException if the path does not lead to the anchor
     */
    static void validate(X509Certificate anchor, List<X509Certificate> path) throws GeneralSecurityException {
        PKIXParameters parameters = new PKIXParameters(Set.of(new TrustAnchor(anchor, null)));
        parameters.setRevocationEnabled(false);
        CertPathValidator.getInstance("PKIX").validate(
                CertificateFactory.getInstance("X.509").generateCertPath(path), parameters);
    }
}
