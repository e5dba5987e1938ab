package org.vbs.ws;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.servlet.ServletRequest;
import jakarta.xml.ws.WebServiceContext;
import jakarta.xml.ws.handler.MessageContext;
import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vbs.security.Credential;
import org.vbs.security.GridIdentity;
import org.vbs.security.NewFile;
import org.vbs.security.grid.CaDirectory;
import org.vbs.security.grid.GridTrustSettings;
import org.vbs.security.grid.TrustDirectory;
import org.vbs.security.pki.CertificateAuthority;
import org.vbs.security.pki.DevPki;

/** The TLS client a call came through: absent, the caller itself, a trusted service, or refused. */
class TlsClientTest {
    private static final CertificateAuthority CA = DevPki.newCa("CN=TLS Client Test CA,O=Grid");
    private static final Credential SERVICE = CA.issueServer("nimbus.example.org");
    private static final GridIdentity USER = GridIdentity.parse("CN=Jane Doe,OU=People,O=Grid");

    @TempDir
    Path caDirectory;
    private TrustDirectory trust;
    private TlsClient tlsClient;

    @BeforeEach
    void trustTheTestCa() {
        NewFile.writeAll(List.of(new CaDirectory(caDirectory).certificate(CA.certificate())));
        trust = TrustDirectory.open(GridTrustSettings.of(caDirectory));
        tlsClient = new TlsClient(trust::check);
    }

    @AfterEach
    void closeTrust() {
        trust.close();
    }

    @Test
    void shouldNameNoServiceWhenTheClientPresentedNoCertificate() {
        assertEquals(Optional.empty(), tlsClient.via(context(Optional.empty()), USER));
        assertEquals(Optional.empty(), tlsClient.via(new FixedContext(Map.of()), USER));
    }

    @Test
    void shouldNameTheServiceWhoseTrustedHostCertificateCarriedTheCall() {
        Optional<GridIdentity> via = tlsClient.via(context(Optional.of(chain(SERVICE))), USER);

        assertEquals(Optional.of(GridIdentity.of(SERVICE.certificate().getSubjectX500Principal())), via);
    }

    @Test
    void shouldNameNoServiceWhenTheCallerConnectedWithItsOwnCertificate() {
        GridIdentity service = GridIdentity.of(SERVICE.certificate().getSubjectX500Principal());

        assertEquals(Optional.empty(), tlsClient.via(context(Optional.of(chain(SERVICE))), service));
    }

    @Test
    void shouldRefuseAClientCertificateFromACaOutsideTheDirectoryNamingIt() {
        Credential stranger = DevPki.newCa("CN=Stranger CA,O=Elsewhere").issueServer("evil.example.org");

        TlsClient.UntrustedClientException refused = assertThrows(TlsClient.UntrustedClientException.class,
                () -> tlsClient.via(context(Optional.of(chain(stranger))), USER));

        assertTrue(refused.getMessage().startsWith("TLS client certificate of CN=evil.example.org,OU=vbs,O=Grid not"
                + " trusted: "), refused.getMessage());
    }

    private static X509Certificate[] chain(Credential credential) {
        return credential.chain().toArray(new X509Certificate[0]);
    }

    /** A message context whose servlet request carries the TLS client chain, if any. */
    private static WebServiceContext context(Optional<X509Certificate[]> chain) {
        ServletRequest request = (ServletRequest) Proxy.newProxyInstance(TlsClientTest.class.getClassLoader(),
                new Class<?>[] {ServletRequest.class}, (proxy, method, args) -> {
                    if (method.getName().equals("getAttribute")) {
                        return TlsClient.PEER_CHAIN.equals(args[0]) ? chain.orElse(null) : null;
                    }
                    throw new UnsupportedOperationException(method.getName());
                });
        return new FixedContext(Map.of(MessageContext.SERVLET_REQUEST, request));
    }
}
