package org.vbs.cli;

import java.net.URI;
import javax.net.ssl.TrustManager;
import org.apache.cxf.configuration.jsse.TLSClientParameters;
import org.apache.cxf.transport.http.HTTPConduit;
import org.vbs.security.SecurityConfigException;
import org.vbs.security.grid.GridTrustSettings;
import org.vbs.security.grid.TrustDirectory;

/**
 * HTTPS to the service: TLS 1.2 or 1.3, the server checked by {@link ServerTlsTrustManager} against
 * the grid CA directory and the expected DN or the URL's host. The CLI presents no TLS client
 * certificate: its requests are signed with the user's credential instead.
 */
final class ServerTls {
    /** A TLSv1.3 context offers 1.3 and 1.2; the JDK's security settings keep 1.1 and 1.0 off. */
    private static final String PROTOCOL = "TLSv1.3";

    private ServerTls() {
    }

    /**
     * Sets the conduit's TLS parameters for an https URL; leaves an http one alone.
     *
     * @throws SecurityConfigException if the CA directory does not exist
     */
    static void configure(HTTPConduit conduit, URI url, ServerTrust trust) {
        if (!"https".equalsIgnoreCase(url.getScheme())) {
            return;
        }
        TrustDirectory directory;
        try {
            directory = TrustDirectory.open(GridTrustSettings.of(trust.caDirectory()));
        } catch (IllegalArgumentException e) {
            throw new SecurityConfigException(trust.caDirectory(), "no such CA directory, so the https server cannot"
                    + " be checked: set X509_CERT_DIR to the grid CA directory", e);
        }
        TLSClientParameters tls = new TLSClientParameters();
        tls.setTrustManagers(new TrustManager[] {new ServerTlsTrustManager(directory, trust.expectedDn())});
        tls.setSecureSocketProtocol(PROTOCOL);
        // ServerTlsTrustManager matches the host itself (SAN, or CN=host/<name> as grid host
        // certificates have it, or the expected DN instead): CXF's host-name check would refuse the
        // grid conventions and an expected DN given in place of a host name.
        tls.setDisableCNCheck(true);
        conduit.setTlsClientParameters(tls);
    }
}
