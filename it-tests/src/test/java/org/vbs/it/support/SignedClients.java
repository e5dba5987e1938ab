package org.vbs.it.support;

import jakarta.xml.ws.BindingProvider;
import java.net.URI;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import javax.security.auth.callback.Callback;
import javax.security.auth.callback.CallbackHandler;
import javax.security.auth.callback.UnsupportedCallbackException;
import org.apache.wss4j.common.crypto.Merlin;
import org.apache.wss4j.common.ext.WSPasswordCallback;
import org.vbs.it.client.VolumeService;
import org.vbs.it.client.VolumeServicePortType;
import org.vbs.security.Credential;
import org.vbs.security.KeyStores;

/**
 * Signed SOAP ports, as a real client makes them: the policy comes from the contract on the classpath
 * (so CXF signs Timestamp and Body with the caller's key and includes its certificate), the keys live
 * in an in-memory WSS4J Merlin crypto, and the server's signed answers are checked against the
 * trusted CA certificates. One port per thread: a port's request context is not thread-safe.
 */
public final class SignedClients {
    /** Basic256Sha256 still names RSA-SHA1; the service requires RSA-SHA256 (ENVIRONMENT.md). */
    private static final String RSA_SHA256 = "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256";
    private static final String CALLER_ALIAS = "caller";
    private static final String TRUST_ALIAS = "trusted";

    // The "ws-security." spellings: CXF silently ignored the "security." one of the algorithm key.
    private static final String SIGNATURE_CRYPTO = "ws-security.signature.crypto";
    private static final String ENCRYPTION_CRYPTO = "ws-security.encryption.crypto";
    private static final String SIGNATURE_USERNAME = "ws-security.signature.username";
    private static final String CALLBACK_HANDLER = "ws-security.callback-handler";
    private static final String SIGNATURE_ALGORITHM = "ws-security.asymmetric.signature.algorithm";

    /** Parsing the WSDL and its policy is the slow part of making a port: do it once. */
    private static final VolumeService SERVICE = new VolumeService();

    private SignedClients() {
    }

    /** A port that signs as the credential and trusts the given certificates. */
    public static VolumeServicePortType port(URI endpoint, Credential caller, List<X509Certificate> trusted) {
        char[] keyPassword = randomPassword();
        Merlin crypto = new Merlin();
        crypto.setKeyStore(KeyStores.withCredential(caller, CALLER_ALIAS, keyPassword));
        KeyStore trustStore = KeyStores.trusting(trusted, TRUST_ALIAS);
        crypto.setTrustStore(trustStore);

        VolumeServicePortType port = SERVICE.getVolumeServicePort();
        Map<String, Object> context = ((BindingProvider) port).getRequestContext();
        context.put(BindingProvider.ENDPOINT_ADDRESS_PROPERTY, endpoint.toString());
        context.put(SIGNATURE_CRYPTO, crypto);
        context.put(ENCRYPTION_CRYPTO, crypto);
        context.put(SIGNATURE_USERNAME, CALLER_ALIAS);
        context.put(CALLBACK_HANDLER, new KeyPassword(keyPassword));
        context.put(SIGNATURE_ALGORITHM, RSA_SHA256);
        return port;
    }

    private static char[] randomPassword() {
        byte[] bytes = new byte[18];
        new SecureRandom().nextBytes(bytes);
        return Base64.getEncoder().encodeToString(bytes).toCharArray();
    }

    /** Hands WSS4J the password of the in-memory key entry (random, never written anywhere). */
    private record KeyPassword(char[] password) implements CallbackHandler {
        @Override
        public void handle(Callback[] callbacks) throws UnsupportedCallbackException {
            for (Callback callback : callbacks) {
                if (callback instanceof WSPasswordCallback passwordCallback) {
                    passwordCallback.setPassword(new String(password));
                } else {
                    throw new UnsupportedCallbackException(callback, "only key passwords are known here");
                }
            }
        }
    }
}
