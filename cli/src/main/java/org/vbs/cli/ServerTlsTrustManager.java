package org.vbs.cli;

import java.net.InetAddress;
import java.net.Socket;
import java.security.cert.CertificateException;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.X509ExtendedTrustManager;
import org.bouncycastle.util.IPAddress;
import org.vbs.security.GridIdentity;
import org.vbs.security.grid.TrustDirectory;

/**
 * Checks the VBS server's TLS certificate as grid clients do: the chain validates against the grid CA
 * directory (canl, through {@link TrustDirectory}: validity, signatures, CRLs, namespaces), and then
 * the server is who the user expects:
 * <ul>
 * <li>with an expected DN ({@code --server-dn}): the certificate's subject is exactly that DN (compared
 * as names, so RFC 2253 and grid slash forms match), whatever host name the URL used;</li>
 * <li>without: the certificate names the URL's host ({@link #namesHost}).</li>
 * </ul>
 * This class is the whole check (the JDK's own host-name check does not run on an
 * {@link X509ExtendedTrustManager}); a failure is an {@link UntrustedServerException}, which ends the
 * handshake before any request is sent. It trusts servers only: it never accepts a client.
 */
final class ServerTlsTrustManager extends X509ExtendedTrustManager {
    private static final int DNS_NAME = 2;
    private static final int IP_ADDRESS = 7;
    /** The grid's host certificate convention: {@code CN=host/<fully qualified name>}. */
    private static final String GRID_HOST_PREFIX = "host/";

    private final TrustDirectory directory;
    private final Optional<GridIdentity> expectedDn;

    ServerTlsTrustManager(TrustDirectory directory, Optional<GridIdentity> expectedDn) {
        this.directory = directory;
        this.expectedDn = expectedDn;
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
        check(chain, socket instanceof SSLSocket ssl && ssl.getHandshakeSession() != null
                ? Optional.ofNullable(ssl.getHandshakeSession().getPeerHost()) : Optional.empty());
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
        check(chain, Optional.ofNullable(engine == null ? null : engine.getPeerHost()));
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        check(chain, Optional.empty());
    }

    private void check(X509Certificate[] chain, Optional<String> host) throws CertificateException {
        if (chain == null || chain.length == 0) {
            throw new UntrustedServerException("the server presented no certificate");
        }
        GridIdentity subject = GridIdentity.of(chain[0].getSubjectX500Principal());
        TrustDirectory.ChainCheck check = directory.check(chain);
        if (!check.trusted()) {
            throw new UntrustedServerException("the server's certificate (" + subject.dn() + ") does not validate"
                    + " against the CA directory " + directory.settings().directory() + ": "
                    + String.join("; ", check.problems()));
        }
        if (expectedDn.isPresent()) {
            if (!expectedDn.get().principal().equals(chain[0].getSubjectX500Principal())) {
                throw new UntrustedServerException("the server is " + subject.dn() + ", not the expected "
                        + expectedDn.get().dn() + " (--server-dn)");
            }
            return;
        }
        String name = host.orElseThrow(() -> new UntrustedServerException(
                "the server's host name is unknown, so its certificate cannot be matched: give --server-dn"));
        if (!namesHost(chain[0], name)) {
            throw new UntrustedServerException("the server's certificate (" + subject.dn() + ") does not name the host "
                    + name + "; connect by a name it holds, or give the server's DN with --server-dn");
        }
    }

    /**
     * Whether the certificate is for the host: if it has DNS or IP subject alternative names, one of
     * them is the host (DNS names case-insensitively, no wildcards; IP addresses as addresses); if it
     * has none, its common name is the host or, as grid host certificates have it, {@code host/<host>}.
     */
    static boolean namesHost(X509Certificate certificate, String host) throws CertificateParsingException {
        String wanted = host.toLowerCase(Locale.ROOT);
        Optional<InetAddress> wantedAddress = literalAddress(host);
        Collection<List<?>> alternatives = Optional.ofNullable(certificate.getSubjectAlternativeNames()).orElse(List.of());
        boolean anyHostName = false;
        for (List<?> name : alternatives) {
            int type = (Integer) name.get(0);
            if (type == DNS_NAME) {
                anyHostName = true;
                if (wantedAddress.isEmpty() && wanted.equals(((String) name.get(1)).toLowerCase(Locale.ROOT))) {
                    return true;
                }
            } else if (type == IP_ADDRESS) {
                anyHostName = true;
                if (wantedAddress.isPresent() && wantedAddress.equals(literalAddress((String) name.get(1)))) {
                    return true;
                }
            }
        }
        if (anyHostName) {
            return false;
        }
        return commonName(certificate).map(cn -> cn.toLowerCase(Locale.ROOT))
                .filter(cn -> cn.equals(wanted) || cn.equals(GRID_HOST_PREFIX + wanted)).isPresent();
    }

    private static Optional<String> commonName(X509Certificate certificate) {
        try {
            javax.naming.ldap.LdapName name = new javax.naming.ldap.LdapName(
                    certificate.getSubjectX500Principal().getName());
            return name.getRdns().stream().filter(rdn -> rdn.getType().equalsIgnoreCase("CN"))
                    .map(rdn -> rdn.getValue().toString()).reduce((first, last) -> last);
        } catch (javax.naming.InvalidNameException e) {
            throw new IllegalStateException("the JDK printed a DN it cannot parse: " + e.getMessage(), e);
        }
    }

    /** The address an IP literal names (IPv4 dotted or IPv6, with or without brackets); empty for a host name. */
    private static Optional<InetAddress> literalAddress(String host) {
        String bare = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        if (!IPAddress.isValid(bare)) {
            return Optional.empty();
        }
        try {
            // A literal is parsed, never looked up.
            return Optional.of(InetAddress.getByName(bare));
        } catch (java.net.UnknownHostException e) {
            return Optional.empty();
        }
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
        throw new CertificateException("the CLI accepts no TLS clients");
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
        throw new CertificateException("the CLI accepts no TLS clients");
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        throw new CertificateException("the CLI accepts no TLS clients");
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
        return new X509Certificate[0];
    }

    /** The server is not the one expected, or not trusted at all; the message says which and why. */
    static final class UntrustedServerException extends CertificateException {
        private static final long serialVersionUID = 1L;

        UntrustedServerException(String message) {
            super(message);
        }
    }
}
