package org.vbs.cli;

import eu.emi.security.authn.x509.proxy.ProxyUtils;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Map;
import java.util.Properties;
import org.apache.cxf.ws.security.SecurityConstants;
import org.apache.wss4j.common.crypto.Merlin;
import org.apache.wss4j.common.ext.WSSecurityException;
import org.vbs.security.Credential;
import org.vbs.security.KeyStores;
import org.vbs.security.SecurityConfigException;
import org.vbs.security.grid.GridCrypto;
import org.vbs.security.grid.GridTrustSettings;

/**
 * The user's credential and the trusted CAs as WSS4J sees them: a {@link GridCrypto} whose
 * in-memory key store holds the user's key and chain (to sign requests) and whose trust is the grid
 * CA directory with its CRLs (to verify the service's signed answers, as the server checks
 * requests). Nothing is written to disk; the key store password is random and lives only as long
 * as this object.
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
     * Loads the user's PEM credential (asking for the key's pass phrase if it is encrypted) and
     * opens the CA directory.
     *
     * @throws SecurityConfigException naming the file or directory that is missing, garbled or
     *     does not match, or the key whose pass phrase is wrong or cannot be asked for
     */
    public static SigningCredentials load(ClientSettings settings, PassphraseSource passphrases) {
        Merlin merlin = gridCrypto(settings.caDirectory());
        Credential credential = Credential.load(settings.certificate(), settings.privateKey(),
                () -> passphrases.passphrase(settings.privateKey()));
        byte[] secret = new byte[24];
        new SecureRandom().nextBytes(secret);
        String keyPassword = Base64.getEncoder().encodeToString(secret);
        KeyStore keyStore = KeyStores.withCredential(credential, ALIAS, keyPassword.toCharArray());
        merlin.setKeyStore(keyStore);
        return new SigningCredentials(merlin, keyPassword, ProxyUtils.isProxy(credential.certificate()));
    }

    /** Trust as the server has it: the CA directory, its CRLs and namespaces, read by canl. */
    private static Merlin gridCrypto(Path caDirectory) {
        if (!Files.isDirectory(caDirectory)) {
            throw new SecurityConfigException(caDirectory, "no such CA directory (name one with --ca-dir or"
                    + " X509_CERT_DIR; it holds the trusted CAs as <hash>.0 and their CRLs as <hash>.r0)");
        }
        Properties properties = new Properties();
        properties.setProperty(GridTrustSettings.CERTIFICATES, caDirectory.toString());
        try {
            return new GridCrypto(properties, SigningCredentials.class.getClassLoader(), null);
        } catch (WSSecurityException | IOException e) {
            throw new SecurityConfigException(caDirectory, "cannot be used as the CA directory: " + e.getMessage(), e);
        }
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
        requestContext.put(SecurityConstants.PASSWORD_ENCRYPTOR_INSTANCE, new NoPasswordEncryption());
        // Only the "ws-security." spelling of this key is honoured, and only per port.
        requestContext.put(SecurityConstants.ASYMMETRIC_SIGNATURE_ALGORITHM, RSA_SHA256);
    }

    /** Never shows the key or its password. */
    @Override
    public String toString() {
        return "SigningCredentials[" + ALIAS + "]";
    }
}
