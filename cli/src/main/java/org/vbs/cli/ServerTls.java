package org.vbs.cli;

import java.net.URI;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.TrustManager;
import org.apache.cxf.configuration.jsse.TLSClientParameters;
import org.apache.cxf.transport.http.HTTPConduit;
import org.vbs.security.Credential;
import org.vbs.security.KeyStores;
import org.vbs.security.SecurityConfigException;
import org.vbs.security.grid.GridTrustSettings;
import org.vbs.security.grid.TrustDirectory;

/**
 * HTTPS to the service: TLS 1.2 or 1.3, the server checked by {@link ServerTlsTrustManager} against
 * the grid CA directory and the expected DN or the URL's host. A user's CLI presents no TLS client
 * certificate (its requests are signed); a federated service presents its host credential
 * ({@link TlsSettings#clientCertificate}), held in memory under a random password only.
 */
final class ServerTls {
    /** A TLSv1.3 context offers 1.3 and 1.2; the JDK's security settings keep 1.1 and 1.0 off. */
    private static final String PROTOCOL = "TLSv1.3";

    private ServerTls() {
    }

    /**
     * Sets the conduit's TLS parameters for an https URL; leaves an http one alone.
     *
     * @throws SecurityConfigException naming the file if the CA directory does not exist or the client
     *     credential cannot be read
     */
    static void configure(HTTPConduit conduit, URI url, TlsSettings trust) {
        if (!"https".equalsIgnoreCase(url.getScheme())) {
            return;
        }
        TrustDirectory directory;
        try {
            directory = TrustDirectory.open(GridTrustSettings.of(trust.caDirectory()));
        } catch (IllegalArgumentException e) {
            throw new SecurityConfigException(trust.caDirectory(), "no such CA directory, so the https server cannot"
                    + " be checked: name the grid CA directory with --ca-dir or X509_CERT_DIR", e);
        }
        TLSClientParameters tls = new TLSClientParameters();
        tls.setTrustManagers(new TrustManager[] {new ServerTlsTrustManager(directory, trust.expectedDn())});
        tls.setSecureSocketProtocol(PROTOCOL);
        if (trust.clientCertificate().isPresent()) {
            tls.setKeyManagers(keyManagers(Credential.load(trust.clientCertificate().get(), trust.clientKey().get())));
        }
        // ServerTlsTrustManager matches the host itself (SAN, or CN=host/<name> as grid host
        // certificates have it, or the expected DN instead): CXF's host-name check would refuse the
        // grid conventions and an expected DN given in place of a host name.
        tls.setDisableCNCheck(true);
        conduit.setTlsClientParameters(tls);
    }

    private static KeyManager[] keyManagers(Credential credential) {
        char[] password = new char[24];
        SecureRandom random = new SecureRandom();
        for (int i = 0; i < password.length; i++) {
            password[i] = (char) ('a' + random.nextInt(26));
        }
        try {
            KeyManagerFactory factory = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            factory.init(KeyStores.withCredential(credential, "tls-client", password), password);
            return factory.getKeyManagers();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK cannot use the TLS client credential " + credential, e);
        }
    }
}
