package org.vbs.cli;

import java.net.URI;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.vbs.security.pki.PkiLayout;

/**
 * Where to send calls and which files to sign and verify them with, after the command-line options
 * and the environment have been combined: an option wins over {@code VBS_URL}/{@code VBS_HOME}/
 * {@code X509_USER_PROXY}, which win over the built-in defaults.
 *
 * @param url the service endpoint
 * @param certificate the user's certificate (PEM, end entity first, optionally its issuers)
 * @param privateKey the user's private key (unencrypted PEM)
 * @param ca the CA certificate(s) (PEM) the service's signed answers must chain to
 */
public record ClientSettings(URI url, Path certificate, Path privateKey, Path ca) {
    public static final String DEFAULT_URL = "http://127.0.0.1:8080/vbs/VolumeService";
    public static final String ENV_URL = "VBS_URL";
    public static final String ENV_HOME = "VBS_HOME";
    /** The grid's variable naming the user's proxy credential (one PEM file: certificate, key, chain). */
    public static final String ENV_PROXY = "X509_USER_PROXY";

    public ClientSettings {
        Objects.requireNonNull(url, "url");
        Objects.requireNonNull(certificate, "certificate");
        Objects.requireNonNull(privateKey, "privateKey");
        Objects.requireNonNull(ca, "ca");
    }

    /**
     * Combines what the command line gave with the environment.
     *
     * @throws IllegalArgumentException if the URL (from either source) is not an absolute http(s) URL
     */
    public static ClientSettings resolve(Optional<String> url, Optional<Path> certificate, Optional<Path> privateKey,
                                         Optional<Path> ca, Map<String, String> env, Path userHome) {
        Path home = Optional.ofNullable(env.get(ENV_HOME)).filter(value -> !value.isBlank()).map(Path::of)
                .orElse(userHome.resolve(".vbs"));
        String address = url.or(() -> Optional.ofNullable(env.get(ENV_URL)).filter(value -> !value.isBlank()))
                .orElse(DEFAULT_URL);
        PkiLayout pki = PkiLayout.under(home);
        Optional<Path> proxy = certificate.isPresent() || privateKey.isPresent() ? Optional.empty()
                : Optional.ofNullable(env.get(ENV_PROXY)).filter(value -> !value.isBlank()).map(Path::of);
        return new ClientSettings(httpUrl(address), certificate.or(() -> proxy).orElse(pki.userCert()),
                privateKey.or(() -> proxy).orElse(pki.userKey()), ca.orElse(pki.caCert()));
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
        return uri;
    }
}
