package org.vbs.security;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.List;

/**
 * In-memory PKCS#12 key stores, as WSS4J's Merlin crypto and CXF take them: one holding a
 * credential (key + chain) under an alias, one holding trusted CA certificates.
 */
public final class KeyStores {
    public static final String TYPE = "PKCS12";

    private KeyStores() {
    }

    /** A key store holding the credential's key and whole chain under the alias. */
    public static KeyStore withCredential(Credential credential, String alias, char[] keyPassword) {
        KeyStore store = empty();
        try {
            store.setKeyEntry(alias, credential.privateKey(), keyPassword,
                    credential.chain().toArray(new Certificate[0]));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot put the credential of " + credential + " into a key store", e);
        }
        return store;
    }

    /**
     * A trust store holding the CA certificates as trusted entries: the first under the alias,
     * the others under alias-2, alias-3, ...
     */
    public static KeyStore trusting(List<X509Certificate> caCertificates, String alias) {
        KeyStore store = empty();
        for (int i = 0; i < caCertificates.size(); i++) {
            try {
                store.setCertificateEntry(i == 0 ? alias : alias + "-" + (i + 1), caCertificates.get(i));
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("cannot put '" + caCertificates.get(i).getSubjectX500Principal()
                        + "' into a trust store", e);
            }
        }
        return store;
    }

    /** The store as the bytes of a PKCS#12 file protected by the password. */
    public static byte[] encode(KeyStore store, char[] password) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try {
            store.store(bytes, password);
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException("cannot encode a " + TYPE + " key store", e);
        }
        return bytes.toByteArray();
    }

    private static KeyStore empty() {
        try {
            KeyStore store = KeyStore.getInstance(TYPE);
            store.load(null, null);
            return store;
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException("the JDK offers no " + TYPE + " key store", e);
        }
    }
}
