package org.vbs.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Optional;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
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

/** The CLI's check of an https server: grid CA directory, then the expected DN or the URL's host. */
class ServerTlsTrustManagerTest {
    private static final CertificateAuthority CA = DevPki.newCa("CN=Server TLS Test CA,O=Grid");
    /** Subject CN=vbs.example.org,OU=vbs,O=Grid; alternative names vbs.example.org, localhost, 127.0.0.1. */
    private static final Credential SERVER = CA.issueServer("vbs.example.org");
    /** A grid host certificate without alternative names. */
    private static final Credential GRID_HOST = CA.issueUser("/O=Grid/OU=hosts/CN=host/storage.example.org");

    @TempDir
    Path caDirectory;
    private TrustDirectory directory;

    @BeforeEach
    void trustTheTestCa() {
        NewFile.writeAll(List.of(new CaDirectory(caDirectory).certificate(CA.certificate())));
        directory = TrustDirectory.open(GridTrustSettings.of(caDirectory));
    }

    @AfterEach
    void close() {
        directory.close();
    }

    @Test
    void shouldAcceptATrustedServerWhoseCertificateNamesTheHost() throws Exception {
        ServerTlsTrustManager byHost = new ServerTlsTrustManager(directory, Optional.empty());

        byHost.checkServerTrusted(chain(SERVER), "RSA", engineTo("vbs.example.org"));
        byHost.checkServerTrusted(chain(SERVER), "RSA", engineTo("127.0.0.1"));
        byHost.checkServerTrusted(chain(SERVER), "RSA", engineTo("LOCALHOST"));
    }

    @Test
    void shouldRefuseAHostTheCertificateDoesNotName() {
        ServerTlsTrustManager byHost = new ServerTlsTrustManager(directory, Optional.empty());

        ServerTlsTrustManager.UntrustedServerException refused = assertThrows(
                ServerTlsTrustManager.UntrustedServerException.class,
                () -> byHost.checkServerTrusted(chain(SERVER), "RSA", engineTo("127.0.0.2")));

        assertTrue(refused.getMessage().contains("does not name the host 127.0.0.2"), refused.getMessage());
    }

    @Test
    void shouldMatchTheGridHostConventionOnlyWithoutAlternativeNames() throws Exception {
        assertTrue(ServerTlsTrustManager.namesHost(GRID_HOST.certificate(), "storage.example.org"));
        assertFalse(ServerTlsTrustManager.namesHost(GRID_HOST.certificate(), "other.example.org"));
        // A certificate with alternative names is matched by those alone, not by its common name.
        assertFalse(ServerTlsTrustManager.namesHost(CA.issueServer("a.example.org").certificate(), "b.example.org"));
    }

    @Test
    void shouldAcceptTheExpectedDnWhateverTheHostAndRefuseAnother() throws Exception {
        ServerTlsTrustManager expected = new ServerTlsTrustManager(directory,
                Optional.of(GridIdentity.parse("/O=Grid/OU=vbs/CN=vbs.example.org")));
        ServerTlsTrustManager other = new ServerTlsTrustManager(directory,
                Optional.of(GridIdentity.parse("CN=other.example.org,OU=vbs,O=Grid")));

        expected.checkServerTrusted(chain(SERVER), "RSA", engineTo("10.0.0.9"));
        ServerTlsTrustManager.UntrustedServerException refused = assertThrows(
                ServerTlsTrustManager.UntrustedServerException.class,
                () -> other.checkServerTrusted(chain(SERVER), "RSA", engineTo("vbs.example.org")));

        assertEquals("the server is CN=vbs.example.org,OU=vbs,O=Grid, not the expected CN=other.example.org,OU=vbs,"
                + "O=Grid (--server-dn)", refused.getMessage());
    }

    @Test
    void shouldRefuseAServerFromACaOutsideTheDirectoryEvenWithTheRightName() {
        Credential impostor = DevPki.newCa("CN=Impostor CA,O=Grid").issueServer("vbs.example.org");
        ServerTlsTrustManager byHost = new ServerTlsTrustManager(directory, Optional.empty());

        ServerTlsTrustManager.UntrustedServerException refused = assertThrows(
                ServerTlsTrustManager.UntrustedServerException.class,
                () -> byHost.checkServerTrusted(chain(impostor), "RSA", engineTo("vbs.example.org")));

        assertTrue(refused.getMessage().contains("does not validate against the CA directory " + caDirectory),
                refused.getMessage());
    }

    @Test
    void shouldAcceptNoClient() {
        ServerTlsTrustManager manager = new ServerTlsTrustManager(directory, Optional.empty());

        assertThrows(java.security.cert.CertificateException.class,
                () -> manager.checkClientTrusted(chain(SERVER), "RSA"));
    }

    /** A client engine connecting to the host, as the HTTP client makes one. */
    private static SSLEngine engineTo(String host) {
        try {
            return SSLContext.getDefault().createSSLEngine(host, 443);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static X509Certificate[] chain(Credential credential) {
        return credential.chain().toArray(new X509Certificate[0]);
    }
}
