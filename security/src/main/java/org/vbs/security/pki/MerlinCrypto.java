package org.vbs.security.pki;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Properties;
import org.vbs.security.SecurityConfigException;
import org.vbs.security.grid.GridCrypto;
import org.vbs.security.grid.GridTrustSettings;

/**
 * The server's WSS4J crypto settings (crypto.properties): the key store with the server's
 * credential and its passwords (Merlin's part), and the grid CA directory that decides trust
 * ({@link GridCrypto}). WSS4J reads the file with {@link Properties#load(InputStream)}, so it is
 * written in that syntax (ISO 8859-1 with escapes).
 */
record MerlinCrypto(String alias, String keyStorePassword, String privateKeyPassword) {
    static final String PREFIX = "org.apache.wss4j.crypto.";
    static final String PROVIDER = PREFIX + "provider";
    static final String KEYSTORE_TYPE = PREFIX + "merlin.keystore.type";
    static final String KEYSTORE_FILE = PREFIX + "merlin.keystore.file";
    static final String KEYSTORE_PASSWORD = PREFIX + "merlin.keystore.password";
    static final String KEYSTORE_ALIAS = PREFIX + "merlin.keystore.alias";
    static final String KEYSTORE_PRIVATE_PASSWORD = PREFIX + "merlin.keystore.private.password";

    private static final SecureRandom RANDOM = new SecureRandom();

    /** A fresh random password (192 bits) for the layout's key store. */
    static MerlinCrypto generate() {
        String keyStorePassword = randomPassword();
        return new MerlinCrypto(PkiLayout.SERVER_KEY_ALIAS, keyStorePassword, keyStorePassword);
    }

    /**
     * The alias and passwords of an existing crypto.properties (an absent private-key password is
     * the key store's, as WSS4J has it).
     *
     * @throws SecurityConfigException naming the file if it is unreadable or lacks a password
     */
    static MerlinCrypto read(Path file) {
        Properties properties = load(file);
        String keyStorePassword = required(file, properties, KEYSTORE_PASSWORD);
        return new MerlinCrypto(properties.getProperty(KEYSTORE_ALIAS, PkiLayout.SERVER_KEY_ALIAS), keyStorePassword,
                properties.getProperty(KEYSTORE_PRIVATE_PASSWORD, keyStorePassword));
    }

    private static Properties load(Path file) {
        Properties properties = new Properties();
        try (InputStream in = Files.newInputStream(file)) {
            properties.load(in);
        } catch (NoSuchFileException e) {
            throw new SecurityConfigException(file, "no such file", e);
        } catch (IOException | IllegalArgumentException e) {
            // Properties.load reports a malformed \\u escape as IllegalArgumentException.
            throw new SecurityConfigException(file, "cannot read: " + e.getMessage(), e);
        }
        return properties;
    }

    /**
     * The CA directory an existing crypto.properties names.
     *
     * @throws SecurityConfigException naming the file if it is unreadable or names none
     */
    static Path caDirectory(Path file) {
        return Path.of(required(file, load(file), GridTrustSettings.CERTIFICATES).strip());
    }

    /** Whether an existing crypto.properties names a grid CA directory (files written before grid trust do not). */
    static boolean namesCaDirectory(Path file) {
        return load(file).containsKey(GridTrustSettings.CERTIFICATES);
    }

    /** The content of crypto.properties pointing at the layout's server.p12 and CA directory. */
    byte[] toPropertiesFile(PkiLayout layout) {
        StringBuilder text = new StringBuilder()
                .append("# WSS4J Merlin crypto of the VBS server, made by org.vbs.security.pki.DevPkiMain.\n")
                .append("# It holds the key store passwords: keep it private (mode 0600).\n");
        line(text, PROVIDER, GridCrypto.PROVIDER_NAME);
        line(text, KEYSTORE_TYPE, "PKCS12");
        line(text, KEYSTORE_FILE, layout.serverKeyStore().toString());
        line(text, KEYSTORE_PASSWORD, keyStorePassword);
        line(text, KEYSTORE_ALIAS, alias);
        line(text, KEYSTORE_PRIVATE_PASSWORD, privateKeyPassword);
        text.append("# Trust: the grid CA directory (<hash>.0 CA certificates, <hash>.r0 CRLs), re-read every\n")
                .append("# update interval; production points it at /etc/grid-security/certificates.\n");
        line(text, GridTrustSettings.CERTIFICATES, layout.caDirectory().toString());
        line(text, GridTrustSettings.UPDATE_INTERVAL, GridTrustSettings.DEFAULT_UPDATE_INTERVAL.toString());
        line(text, GridTrustSettings.CRL_CHECKING, GridTrustSettings.DEFAULT_CRLS.name());
        line(text, GridTrustSettings.NAMESPACE_CHECKING, GridTrustSettings.DEFAULT_NAMESPACES.name());
        text.append("# VOMS: the servers whose attribute certificates are believed, <vo>/<host>.lsc files;\n")
                .append("# production points it at /etc/grid-security/vomsdir.\n");
        line(text, GridTrustSettings.VOMSDIR, layout.vomsDirectory().toString());
        return text.toString().getBytes(StandardCharsets.ISO_8859_1);
    }

    /** Never shows the passwords. */
    @Override
    public String toString() {
        return "MerlinCrypto[alias=" + alias + ", passwords hidden]";
    }

    private static String required(Path file, Properties properties, String key) {
        String value = properties.getProperty(key);
        if (value == null || value.isEmpty()) {
            throw new SecurityConfigException(file, "has no " + key);
        }
        return value;
    }

    private static void line(StringBuilder text, String key, String value) {
        text.append(key).append('=');
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '\\') {
                text.append("\\\\");
            } else if (i == 0 && c == ' ') {
                text.append("\\ ");
            } else if (c < 0x20 || c > 0x7e) {
                text.append(String.format("\\u%04x", (int) c));
            } else {
                text.append(c);
            }
        }
        text.append('\n');
    }

    private static String randomPassword() {
        byte[] bytes = new byte[24];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
