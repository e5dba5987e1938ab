package org.vbs.security.grid;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.util.Collection;
import java.util.Properties;
import java.util.regex.Pattern;
import org.apache.wss4j.common.crypto.Merlin;
import org.apache.wss4j.common.crypto.PasswordEncryptor;
import org.apache.wss4j.common.ext.WSSecurityException;

/**
 * A WSS4J crypto whose trust comes from a grid CA directory ({@link TrustDirectory}) instead of a
 * trust store: a signature is accepted only if the chain the message carries (one certificate, or a
 * proxy chain) validates against the CAs and CRLs in that directory as it is now. The key store
 * part is Merlin's (the server's own credential signs answers). Named in crypto.properties:
 * {@code org.apache.wss4j.crypto.provider=org.vbs.security.grid.GridCrypto} with
 * {@code org.vbs.crypto.grid.certificates=<directory>} ({@link GridTrustSettings}).
 */
public class GridCrypto extends Merlin {
    /**
     * This class's name as crypto.properties gives it. A constant, so that writing that file
     * (DevPkiMain, which runs without WSS4J on its class path) never loads this class.
     */
    public static final String PROVIDER_NAME = "org.vbs.security.grid.GridCrypto";
    private static final System.Logger LOG = System.getLogger(GridCrypto.class.getName());
    private final TrustDirectory trust;

    public GridCrypto(Properties properties, ClassLoader loader, PasswordEncryptor passwordEncryptor)
            throws WSSecurityException, IOException {
        super(properties, loader, passwordEncryptor);
        GridTrustSettings settings;
        try {
            settings = GridTrustSettings.from(properties);
        } catch (IllegalArgumentException e) {
            throw new WSSecurityException(WSSecurityException.ErrorCode.FAILURE, e, "invalidCryptoProperties",
                    new Object[] {e.getMessage()});
        }
        this.trust = TrustDirectory.shared(settings);
    }

    @Override
    public void verifyTrust(X509Certificate[] certs, boolean enableRevocation, Collection<Pattern> subjectCertConstraints,
            Collection<Pattern> issuerCertConstraints) throws WSSecurityException {
        TrustDirectory.ChainCheck check = trust.check(certs);
        String signer = certs == null || certs.length == 0 ? "(none)" : certs[0].getSubjectX500Principal().getName();
        if (!check.trusted()) {
            // Why goes to the log only: the caller learns no more than "not authenticated".
            LOG.log(Level.WARNING, "refused the certificate chain of {0}: {1}", signer, check.problems());
            throw new WSSecurityException(WSSecurityException.ErrorCode.FAILED_AUTHENTICATION);
        }
        if (!matchesSubjectDnPattern(certs[0], subjectCertConstraints)
                || !matchesIssuerDnPattern(certs[0], issuerCertConstraints)) {
            LOG.log(Level.WARNING, "refused {0}: its names match none of the configured certificate constraints", signer);
            throw new WSSecurityException(WSSecurityException.ErrorCode.FAILED_AUTHENTICATION);
        }
    }

    /** A bare public key names nobody a grid CA vouched for: never trusted. */
    @Override
    public void verifyTrust(PublicKey publicKey) throws WSSecurityException {
        throw new WSSecurityException(WSSecurityException.ErrorCode.FAILED_AUTHENTICATION);
    }
}
