package org.vbs.cli;

import com.sun.security.auth.module.UnixSystem;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.vbs.security.pki.PkiLayout;

/**
 * Where to send calls and which files to sign and verify them with, after the command-line options
 * and the environment have been combined: an option wins over the environment ({@code VBS_URL},
 * {@code VBS_HOME}, the grid's {@code X509_USER_*} variables and files), which wins over the built-in
 * defaults.
 *
 * @param endpoints the service endpoints, in the order they are tried ({@link FailoverPort}): nodes of
 *     one service, never empty, no duplicates
 * @param certificate the user's certificate (PEM, end entity first, optionally its issuers)
 * @param privateKey the user's private key (PEM; if encrypted, its pass phrase is asked for)
 * @param caDirectory the grid CA directory (CA certificates and CRLs, {@link CaDirectorySearch}) the
 *     service's signed answers and, over HTTPS, its TLS certificate must chain to
 * @param tls HTTPS: how the server's TLS certificate is checked, and any TLS client credential
 */
public record ClientSettings(List<URI> endpoints, Path certificate, Path privateKey, Path caDirectory, TlsSettings tls) {
    public static final String DEFAULT_URL = "http://127.0.0.1:8080/vbs/VolumeService";
    public static final String ENV_URL = "VBS_URL";
    public static final String ENV_HOME = "VBS_HOME";
    /** The grid's variable naming the user's proxy credential (one PEM file: certificate, key, chain). */
    public static final String ENV_PROXY = "X509_USER_PROXY";
    public static final String ENV_USER_CERT = "X509_USER_CERT";
    public static final String ENV_USER_KEY = "X509_USER_KEY";
    private static final String USER_CERT = "usercert.pem";
    private static final String USER_KEY = "userkey.pem";

    public ClientSettings {
        endpoints = List.copyOf(endpoints);
        if (endpoints.isEmpty()) {
            throw new IllegalArgumentException("no service endpoint");
        }
        Objects.requireNonNull(certificate, "certificate");
        Objects.requireNonNull(privateKey, "privateKey");
        Objects.requireNonNull(caDirectory, "caDirectory");
        Objects.requireNonNull(tls, "tls");
    }

    /** The same settings with other HTTPS settings ({@code --server-dn}, {@code --tls-cert}/{@code --tls-key}). */
    public ClientSettings withTls(TlsSettings changed) {
        return new ClientSettings(endpoints, certificate, privateKey, caDirectory, changed);
    }

    /**
     * Combines what the command line gave with the environment.
     *
     * @throws IllegalArgumentException naming the entry if the URL list (from either source) is
     *     malformed: an empty entry, an entry that is not an absolute http(s) URL, or one given twice
     */
    public static ClientSettings resolve(Optional<String> url, Optional<Path> certificate, Optional<Path> privateKey,
                                         Optional<Path> caDirectory, Map<String, String> env, Path userHome) {
        return resolve(url, certificate, privateKey, caDirectory, env, userHome, defaultProxyFile());
    }

    /**
     * The same, with the default proxy file given ({@code /tmp/x509up_u<uid>} for a real run). The
     * credential is found as Globus tools find it, unless options name it: {@code X509_USER_PROXY};
     * then the default proxy file if it exists; then {@code X509_USER_CERT}/{@code X509_USER_KEY}
     * (each defaulting to its {@code ~/.globus} file); then {@code ~/.globus/usercert.pem} and
     * {@code userkey.pem} if they exist; and last the development user of {@code $VBS_HOME}.
     */
    static ClientSettings resolve(Optional<String> url, Optional<Path> certificate, Optional<Path> privateKey,
                                  Optional<Path> caDirectory, Map<String, String> env, Path userHome,
                                  Path defaultProxy) {
        String address = url.or(() -> set(env, ENV_URL)).orElse(DEFAULT_URL);
        PkiLayout pki = PkiLayout.under(home(env, userHome));
        Path[] credential = certificate.isPresent() || privateKey.isPresent()
                ? new Path[] {certificate.orElse(pki.userCert()), privateKey.orElse(pki.userKey())}
                : gridCredential(env, userHome, defaultProxy).orElse(new Path[] {pki.userCert(), pki.userKey()});
        Path trusted = CaDirectorySearch.find(caDirectory, env, userHome, pki.caDirectory());
        return new ClientSettings(endpoints(address), credential[0], credential[1], trusted, TlsSettings.trusting(trusted));
    }

    /**
     * The user's own (end-entity) certificate and key files, never a proxy: what proxy-init makes a
     * proxy from. The options; else {@code X509_USER_CERT}/{@code X509_USER_KEY} or {@code ~/.globus};
     * else the development user of {@code $VBS_HOME}.
     */
    static Path[] userCredential(Optional<Path> certificate, Optional<Path> privateKey, Map<String, String> env,
                                 Path userHome) {
        PkiLayout pki = PkiLayout.under(home(env, userHome));
        return certificate.isPresent() || privateKey.isPresent()
                ? new Path[] {certificate.orElse(pki.userCert()), privateKey.orElse(pki.userKey())}
                : globusUserCredential(env, userHome).orElse(new Path[] {pki.userCert(), pki.userKey()});
    }

    private static Path home(Map<String, String> env, Path userHome) {
        return set(env, ENV_HOME).map(Path::of).orElse(userHome.resolve(".vbs"));
    }

    /** The certificate and key files the Globus search order finds, if any. */
    private static Optional<Path[]> gridCredential(Map<String, String> env, Path userHome, Path defaultProxy) {
        Optional<Path> proxy = set(env, ENV_PROXY).map(Path::of)
                .or(() -> Optional.of(defaultProxy).filter(Files::isRegularFile));
        if (proxy.isPresent()) {
            return Optional.of(new Path[] {proxy.get(), proxy.get()});
        }
        return globusUserCredential(env, userHome);
    }

    private static Optional<Path[]> globusUserCredential(Map<String, String> env, Path userHome) {
        Path globus = userHome.resolve(".globus");
        Optional<Path> certificate = set(env, ENV_USER_CERT).map(Path::of);
        Optional<Path> key = set(env, ENV_USER_KEY).map(Path::of);
        if (certificate.isPresent() || key.isPresent() || Files.isRegularFile(globus.resolve(USER_CERT))) {
            return Optional.of(new Path[] {certificate.orElse(globus.resolve(USER_CERT)),
                key.orElse(globus.resolve(USER_KEY))});
        }
        return Optional.empty();
    }

    /** {@code /tmp/x509up_u<uid>}, where grid-proxy-init and voms-proxy-init leave a proxy. */
    static Path defaultProxyFile() {
        return Path.of("/tmp/x509up_u" + new UnixSystem().getUid());
    }

    static Optional<String> set(Map<String, String> env, String name) {
        return Optional.ofNullable(env.get(name)).filter(value -> !value.isBlank());
    }

    /**
     * A comma-separated list of endpoint URLs (one URL is a list of one); blanks around an entry are
     * ignored. A comma always separates: VBS endpoint URLs have none.
     */
    static List<URI> endpoints(String list) {
        String[] entries = list.split(",", -1);
        List<URI> endpoints = new ArrayList<>();
        for (int i = 0; i < entries.length; i++) {
            String entry = entries[i].strip();
            if (entry.isEmpty()) {
                throw new IllegalArgumentException("service URL list: entry " + (i + 1) + " of " + entries.length
                        + " is empty (separate the URLs by single commas)");
            }
            URI endpoint = httpUrl(entry);
            if (endpoints.contains(endpoint)) {
                throw new IllegalArgumentException("service URL list: '" + entry + "' is given twice");
            }
            endpoints.add(endpoint);
        }
        return endpoints;
    }

    private static URI httpUrl(String address) {
        URI uri;
        try {
            uri = new URI(address);
        } catch (java.net.URISyntaxException e) {
            throw new IllegalArgumentException("service URL '" + address + "' is not a URL: " + e.getReason(), e);
        }
        String scheme = Optional.ofNullable(uri.getScheme()).orElse("");
        if (!(scheme.equalsIgnoreCase("http") || scheme.equalsIgnoreCase("https")) || uri.getHost() == null) {
            throw new IllegalArgumentException("service URL '" + address
                    + "' must be an absolute http:// or https:// URL, e.g. " + DEFAULT_URL);
        }
        if (uri.getRawUserInfo() != null) {
            // Requests are signed, so a URL never needs a password; refusing one keeps it out of messages.
            throw new IllegalArgumentException("service URL '" + uri.getHost() + "...' must not carry a user name or"
                    + " password: requests are signed with your certificate");
        }
        return uri;
    }
}
