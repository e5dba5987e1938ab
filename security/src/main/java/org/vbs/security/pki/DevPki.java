package org.vbs.security.pki;

import java.security.KeyPair;
import java.time.Duration;
import java.util.List;
import org.vbs.security.Credential;
import org.vbs.security.GridIdentity;

/**
 * The development PKI: what its CA, server and user certificates look like, and new CAs made in
 * memory (tests use them for "a certificate from an untrusted CA"). {@link DevPkiSetup} writes the
 * files of an installation; {@link CertificateAuthority} issues the credentials.
 */
public final class DevPki {
    public static final String CA_DN = "CN=VBS Development CA,OU=vbs,O=Grid";
    /** The identity of the development user (grid slash form: /O=Grid/OU=vbs/CN=VBS Development User). */
    public static final String USER_DN = "CN=VBS Development User,OU=vbs,O=Grid";
    /** The development plugin signer, which signs the project's own bundles. */
    public static final String PLUGIN_SIGNER_DN = "CN=VBS Development Plugin Signer,OU=vbs,O=Grid";
    public static final String DEFAULT_SERVER_HOST = "localhost";

    public static final Duration CA_VALIDITY = Duration.ofDays(3650);
    public static final Duration SERVER_VALIDITY = Duration.ofDays(730);
    public static final Duration USER_VALIDITY = Duration.ofDays(730);
    public static final Duration PLUGIN_SIGNER_VALIDITY = Duration.ofDays(730);
    /** How long the development CA's CRL (in the CA directory) stays valid. */
    public static final Duration CRL_VALIDITY = Duration.ofDays(365);

    /** A CA key outlives its leaves (10 years): 3072 bits, NIST's size for use beyond 2030. */
    static final int CA_KEY_BITS = 3072;
    static final int LEAF_KEY_BITS = 2048;

    private DevPki() {
    }

    /**
     * A new self-signed CA (RSA 3072, SHA256withRSA, valid {@link #CA_VALIDITY}), held in memory.
     *
     * @param dn the CA's subject, in RFC 2253 or grid slash form
     * @throws IllegalArgumentException if the DN is not one
     */
    public static CertificateAuthority newCa(String dn) {
        GridIdentity subject = GridIdentity.parse(dn);
        KeyPair keys = CertificateBuilder.newRsaKeyPair(CA_KEY_BITS);
        return new CertificateAuthority(new Credential(keys.getPrivate(),
                List.of(CertificateBuilder.selfSignedCa(subject.principal(), keys, CA_VALIDITY))));
    }
}
