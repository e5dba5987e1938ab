package org.vbs.security.pki;

import java.nio.file.Path;

/**
 * Where the PKI files of a VBS installation live, under {@code $VBS_HOME/pki} (see
 * {@link org.vbs.security.pki the package description} for what each file holds).
 */
public record PkiLayout(Path root) {
    public static final String USER_CERT_FILE = "usercert.pem";
    public static final String USER_KEY_FILE = "userkey.pem";
    /** The alias of the server's key entry in server.p12 (and in crypto.properties). */
    public static final String SERVER_KEY_ALIAS = "vbs-server";
    /** The CA directory, beside pki/. */
    public static final String CA_DIRECTORY = "certificates";
    /** The vomsdir, beside pki/. */
    public static final String VOMS_DIRECTORY = "vomsdir";
    /** The plugin trust store, beside pki/: the PEM certificates whose signatures the plugin host accepts. */
    public static final String PLUGIN_TRUST_DIRECTORY = "plugin-trust";

    public PkiLayout {
        root = root.toAbsolutePath().normalize();
    }

    /** The layout of the VBS home directory {@code vbsHome}: its {@code pki} subdirectory. */
    public static PkiLayout under(Path vbsHome) {
        return new PkiLayout(vbsHome.resolve("pki"));
    }

    public Path caCert() {
        return root.resolve("ca").resolve("cacert.pem");
    }

    public Path caKey() {
        return root.resolve("ca").resolve("cakey.pem");
    }

    public Path serverCert() {
        return root.resolve("server").resolve("servercert.pem");
    }

    public Path serverKey() {
        return root.resolve("server").resolve("serverkey.pem");
    }

    public Path serverKeyStore() {
        return root.resolve("server").resolve("server.p12");
    }

    /** The AES key that seals secrets at rest (CHAP secrets in the metadata), under the key store's password. */
    public Path sealingKeyStore() {
        return root.resolve("server").resolve("sealing.p12");
    }

    /** The AES key that encrypts the cluster traffic (JGroups), under the key store's password. */
    public Path clusterKeyStore() {
        return root.resolve("server").resolve("cluster.p12");
    }

    /**
     * {@code $VBS_HOME/certificates}: the CA directory the server trusts, in the grid's OpenSSL layout
     * ({@code <hash>.0} CA certificates, {@code <hash>.r0} CRLs), as crypto.properties names it.
     */
    public Path caDirectory() {
        return root.resolveSibling(CA_DIRECTORY);
    }

    /**
     * {@code $VBS_HOME/vomsdir}: the VOMS servers the server believes, {@code <vo>/<host>.lsc} files
     * (as /etc/grid-security/vomsdir), as crypto.properties names it.
     */
    public Path vomsDirectory() {
        return root.resolveSibling(VOMS_DIRECTORY);
    }

    /**
     * The HTTPS listener's trust store for TLS client certificates: the CA directory's CA certificates
     * as a PKCS#12 file under the server key store's password, rewritten by {@link TlsClientCas}.
     */
    public Path tlsClientCas() {
        return root.resolve("server").resolve("tls-client-cas.p12");
    }

    public Path cryptoProperties() {
        return root.resolve("server").resolve("crypto.properties");
    }

    public Path userCert() {
        return userDirectory().resolve(USER_CERT_FILE);
    }

    public Path userKey() {
        return userDirectory().resolve(USER_KEY_FILE);
    }

    /** The development plugin signer's certificate (it signs the project's own bundles). */
    public Path pluginSignerCert() {
        return root.resolve("plugin-signer").resolve("signercert.pem");
    }

    public Path pluginSignerKey() {
        return root.resolve("plugin-signer").resolve("signerkey.pem");
    }

    /** {@code $VBS_HOME/plugin-trust}: every {@code *.pem} certificate there is trusted to sign plugins. */
    public Path pluginTrustDir() {
        return root.resolveSibling(PLUGIN_TRUST_DIRECTORY);
    }

    /** The development plugin signer's certificate as put into the plugin trust store. */
    public Path pluginTrustedDevSigner() {
        return pluginTrustDir().resolve("vbs-development-plugin-signer.pem");
    }

    private Path userDirectory() {
        return root.resolve("user");
    }
}
