package org.vbs.cli;

import eu.emi.security.authn.x509.proxy.ProxyUtils;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.apache.cxf.ws.security.SecurityConstants;
import org.apache.wss4j.common.crypto.Merlin;
import org.vbs.security.Credential;
import org.vbs.security.KeyStores;
import org.vbs.security.Pem;

/**
 * The user's credential and the trusted CA as WSS4J sees them: an in-memory Merlin crypto whose key
 * store holds the user's key and chain (to sign requests) and whose trust store holds the CA (to
 * verify the service's signed answers). Nothing is written to disk; the key store password is
 * random and lives only as long as this object.
 */
public final class SigningCredentials {
    static final String ALIAS = "vbs-user";
    /** Basic256Sha256 names RSA-SHA1; the service requires RSA-SHA256 (see the WSDL's comment). */
    static final String RSA_SHA256 = "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256";

    private final Merlin crypto;
    private final String keyPassword;
    private final boolean proxyChain;

    private SigningCredentials(Merlin crypto, String keyPassword, boolean proxyChain) {
        this.crypto = crypto;
        this.keyPassword = keyPassword;
        this.proxyChain = proxyChain;
    }

    /**
     * Loads the user's PEM credential and the CA certificate(s).
     *
     * @throws org.vbs.security.SecurityConfigException naming the file that is missing, garbled or
     *     does not match
     */
    public static SigningCredentials load(ClientSettings settings) {
        Credential credential = Credential.load(settings.certificate(), settings.privateKey());
        List<X509Certificate> trusted = Pem.readCertificates(settings.ca());
        byte[] secret = new byte[24];
        new SecureRandom().nextBytes(secret);
        String keyPassword = Base64.getEncoder().encodeToString(secret);
        KeyStore keyStore = KeyStores.withCredential(credential, ALIAS, keyPassword.toCharArray());
        Merlin merlin = new Merlin();
        merlin.setKeyStore(keyStore);
        merlin.setTrustStore(KeyStores.trusting(trusted, "vbs-ca"));
        return new SigningCredentials(merlin, keyPassword, ProxyUtils.isProxy(credential.certificate()));
    }

    /** Whether the credential is an RFC 3820 proxy (its chain then travels as an X509PKIPathv1 token). */
    public boolean proxyChain() {
        return proxyChain;
    }

    /**
     * Puts the signing settings into a port's request context. The same crypto signs requests
     * and checks answers: CXF verifies the service's signature with the encryption crypto when one
     * is set, so both point at it. A proxy chain is sent whole ({@link InitiatorTokenSelector}).
     */
    public void configure(Map<String, Object> requestContext) {
        requestContext.put(InitiatorTokenSelector.PKI_PATH, proxyChain);
        requestContext.put(SecurityConstants.SIGNATURE_CRYPTO, crypto);
        requestContext.put(SecurityConstants.ENCRYPT_CRYPTO, crypto);
        requestContext.put(SecurityConstants.SIGNATURE_USERNAME, ALIAS);
        requestContext.put(SecurityConstants.SIGNATURE_PASSWORD, keyPassword);
        // Only the "ws-security." spelling of this key is honoured, and only per port.
        requestContext.put(SecurityConstants.ASYMMETRIC_SIGNATURE_ALGORITHM, RSA_SHA256);
    }

    /** Never shows the key or its password. */
    @Override
    public String toString() {
        return "SigningCredentials[" + ALIAS + "]";
    }
}
