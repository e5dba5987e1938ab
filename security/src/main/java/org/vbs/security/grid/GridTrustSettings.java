package org.vbs.security.grid;

import eu.emi.security.authn.x509.CrlCheckingMode;
import eu.emi.security.authn.x509.NamespaceCheckingMode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Objects;
import java.util.Properties;

/**
 * How a {@link TrustDirectory} reads its CA directory: where it is, how often it is looked at again
 * for added or removed CA certificates and CRLs, whether a CA must have a valid CRL there
 * ({@code REQUIRE}), is checked only when it has one ({@code IF_VALID}, the usual grid setting, as
 * fetch-crl keeps CRLs fresh) or never ({@code IGNORE}), how signing-policy/namespaces files
 * restrict the names a CA may issue, and which subject-hash file names are read: OpenSSL 1.0's
 * (SHA-1 based, the default) or, for a directory that has only those, the legacy MD5 ones.
 */
public record GridTrustSettings(Path directory, Duration updateInterval, CrlCheckingMode crls,
        NamespaceCheckingMode namespaces, boolean legacyMd5Names) {
    public static final String PREFIX = "org.vbs.crypto.grid.";
    /** The CA directory, e.g. /etc/grid-security/certificates. */
    public static final String CERTIFICATES = PREFIX + "certificates";
    /** ISO-8601 duration, e.g. PT10S. */
    public static final String UPDATE_INTERVAL = PREFIX + "update-interval";
    public static final String CRL_CHECKING = PREFIX + "crl-checking";
    public static final String NAMESPACE_CHECKING = PREFIX + "namespace-checking";
    /** {@code true}: read the legacy MD5 subject-hash names (pre-1.0 OpenSSL) instead of the current ones. */
    public static final String LEGACY_MD5_NAMES = PREFIX + "legacy-md5-names";
    /**
     * The vomsdir: the VOMS servers whose attribute certificates are believed, as
     * {@code <vo>/<host>.lsc} files ({@link VomsTrust}), e.g. /etc/grid-security/vomsdir. Not part of
     * these settings (they are the CA directory's): read by {@link #vomsDirectory}.
     */
    public static final String VOMSDIR = PREFIX + "vomsdir";

    public static final Duration DEFAULT_UPDATE_INTERVAL = Duration.ofSeconds(10);
    public static final CrlCheckingMode DEFAULT_CRLS = CrlCheckingMode.IF_VALID;
    public static final NamespaceCheckingMode DEFAULT_NAMESPACES = NamespaceCheckingMode.EUGRIDPMA_GLOBUS;

    public GridTrustSettings {
        Objects.requireNonNull(directory, "directory");
        Objects.requireNonNull(crls, "crls");
        Objects.requireNonNull(namespaces, "namespaces");
        if (updateInterval.isNegative() || updateInterval.isZero()) {
            throw new IllegalArgumentException("the update interval must be positive, not " + updateInterval);
        }
    }

    /** The directory with the defaults: re-read every 10 s, CRLs checked where valid, namespaces where present. */
    public static GridTrustSettings of(Path directory) {
        return new GridTrustSettings(directory, DEFAULT_UPDATE_INTERVAL, DEFAULT_CRLS, DEFAULT_NAMESPACES, false);
    }

    /**
     * The settings in a WSS4J crypto properties file ({@link #CERTIFICATES} required, the rest
     * optional).
     *
     * @throws IllegalArgumentException naming the key whose value is missing or not one of those allowed
     */
    public static GridTrustSettings from(Properties properties) {
        String directory = properties.getProperty(CERTIFICATES, "").strip();
        if (directory.isEmpty()) {
            throw new IllegalArgumentException(CERTIFICATES + " is not set: name the CA directory"
                    + " (e.g. /etc/grid-security/certificates)");
        }
        return new GridTrustSettings(Path.of(directory),
                duration(properties, UPDATE_INTERVAL, DEFAULT_UPDATE_INTERVAL),
                constant(properties, CRL_CHECKING, CrlCheckingMode.class, DEFAULT_CRLS),
                constant(properties, NAMESPACE_CHECKING, NamespaceCheckingMode.class, DEFAULT_NAMESPACES),
                flag(properties, LEGACY_MD5_NAMES));
    }

    /**
     * A server's crypto properties file (pki/server/crypto.properties), read as WSS4J reads it, for the
     * checks beside WS-Security that must use the same trust (VOMS attributes, TLS clients).
     *
     * @throws IllegalStateException naming the file if it cannot be read
     */
    public static Properties load(Path cryptoProperties) {
        Properties properties = new Properties();
        try (InputStream in = Files.newInputStream(cryptoProperties)) {
            properties.load(in);
        } catch (IOException | IllegalArgumentException e) {
            throw new IllegalStateException("the crypto properties " + cryptoProperties + " cannot be read: " + e, e);
        }
        return properties;
    }

    /** The vomsdir a crypto properties file names ({@link #VOMSDIR}), if it names one. */
    public static java.util.Optional<Path> vomsDirectory(Properties properties) {
        String directory = properties.getProperty(VOMSDIR, "").strip();
        return directory.isEmpty() ? java.util.Optional.empty() : java.util.Optional.of(Path.of(directory));
    }

    private static Duration duration(Properties properties, String key, Duration otherwise) {
        String value = properties.getProperty(key);
        if (value == null) {
            return otherwise;
        }
        try {
            return Duration.parse(value.strip());
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException(key + " is not an ISO-8601 duration such as PT10S: '" + value + "'", e);
        }
    }

    private static boolean flag(Properties properties, String key) {
        String value = properties.getProperty(key, "false").strip();
        if (!value.equals("true") && !value.equals("false")) {
            throw new IllegalArgumentException(key + " is '" + value + "'; it must be true or false");
        }
        return Boolean.parseBoolean(value);
    }

    private static <E extends Enum<E>> E constant(Properties properties, String key, Class<E> type, E otherwise) {
        String value = properties.getProperty(key);
        if (value == null) {
            return otherwise;
        }
        try {
            return Enum.valueOf(type, value.strip().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(key + " is '" + value + "'; it must be one of "
                    + java.util.Arrays.toString(type.getEnumConstants()), e);
        }
    }
}
