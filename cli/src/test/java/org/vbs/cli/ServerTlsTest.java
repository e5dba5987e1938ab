package org.vbs.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.apache.cxf.bus.extension.ExtensionManagerBus;
import org.apache.cxf.transport.http.HTTPConduit;
import org.apache.cxf.transport.http.URLConnectionHTTPConduit;
import org.apache.cxf.service.model.EndpointInfo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vbs.security.Credential;
import org.vbs.security.NewFile;
import org.vbs.security.SecurityConfigException;
import org.vbs.security.grid.CaDirectory;
import org.vbs.security.pki.CertificateAuthority;
import org.vbs.security.pki.DevPki;

/** What the CLI's HTTPS settings do to a conduit, and what they refuse. */
class ServerTlsTest {
    private static final CertificateAuthority CA = DevPki.newCa("CN=Server TLS Settings Test CA,O=Grid");

    @TempDir
    Path dir;

    @Test
    void shouldLeaveAPlainHttpConduitAlone() throws Exception {
        HTTPConduit conduit = conduit();

        ServerTls.configure(conduit, URI.create("http://127.0.0.1:8080/vbs/VolumeService"),
                TlsSettings.trusting(dir.resolve("no-such-directory")));

        assertNull(conduit.getTlsClientParameters());
    }

    @Test
    void shouldTrustTheServerOnlyThroughTheGridCheckAndPresentTheClientCredentialGiven() throws Exception {
        NewFile.writeAll(List.of(new CaDirectory(dir.resolve("certificates")).certificate(CA.certificate())));
        Credential host = CA.issueServer("nimbus.example.org");
        NewFile.writeAll(host.toPemFiles(dir.resolve("hostcert.pem"), dir.resolve("hostkey.pem")));
        HTTPConduit conduit = conduit();

        ServerTls.configure(conduit, URI.create("https://vbs.example.org:8443/vbs/VolumeService"),
                TlsSettings.trusting(dir.resolve("certificates")).withClientCredential(dir.resolve("hostcert.pem"),
                        dir.resolve("hostkey.pem")));

        assertEquals(1, conduit.getTlsClientParameters().getTrustManagers().length);
        assertTrue(conduit.getTlsClientParameters().getTrustManagers()[0] instanceof ServerTlsTrustManager);
        assertEquals(1, conduit.getTlsClientParameters().getKeyManagers().length);
        assertEquals("TLSv1.3", conduit.getTlsClientParameters().getSecureSocketProtocol());
    }

    @Test
    void shouldRefuseAMissingCaDirectoryNamingIt() throws Exception {
        Path missing = dir.resolve("no-such-directory");

        SecurityConfigException refused = assertThrows(SecurityConfigException.class, () -> ServerTls.configure(
                conduit(), URI.create("https://127.0.0.1:8443/vbs/VolumeService"), TlsSettings.trusting(missing)));

        assertTrue(refused.getMessage().contains(missing.toString()), refused.getMessage());
        assertTrue(refused.getMessage().contains("X509_CERT_DIR"), refused.getMessage());
    }

    @Test
    void shouldRefuseAClientCertificateWithoutItsKey() {
        assertThrows(IllegalArgumentException.class, () -> new TlsSettings(dir, Optional.empty(),
                Optional.of(dir.resolve("hostcert.pem")), Optional.empty()));
    }

    private static HTTPConduit conduit() throws Exception {
        EndpointInfo endpoint = new EndpointInfo();
        endpoint.setAddress("http://127.0.0.1:1/unused");
        return new URLConnectionHTTPConduit(new ExtensionManagerBus(), endpoint, null);
    }
}
