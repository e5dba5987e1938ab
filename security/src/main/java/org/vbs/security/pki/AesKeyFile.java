package org.vbs.security.pki;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.util.List;
import java.util.Optional;
import javax.crypto.KeyGenerator;
import javax.crypto.SecretKey;
import org.vbs.security.KeyStores;
import org.vbs.security.NewFile;
import org.vbs.security.SecurityConfigException;

/**
 * One AES-256 key in a PKCS#12 file of its own (mode 0600), entry and store protected by the server key
 * store's password from crypto.properties: the sealing key and the cluster key are such files.
 *
 * @param file the key store file
 * @param alias the key's alias in it
 * @param what what the key is, for messages ("the sealing key")
 */
record AesKeyFile(Path file, String alias, String what) {
    private static final int KEY_BITS = 256;

    /**
     * Makes the file with a new random key if it is missing; an existing file is kept as it is.
     *
     * @return the file made, if any
     */
    Optional<Path> ensure(PkiLayout layout) {
        if (Files.exists(file)) {
            return Optional.empty();
        }
        char[] password = MerlinCrypto.read(layout.cryptoProperties()).keyStorePassword().toCharArray();
        try {
            KeyGenerator generator = KeyGenerator.getInstance("AES");
            generator.init(KEY_BITS, new SecureRandom());
            KeyStore store = KeyStore.getInstance(KeyStores.TYPE);
            store.load(null, null);
            store.setEntry(alias, new KeyStore.SecretKeyEntry(generator.generateKey()),
                    new KeyStore.PasswordProtection(password));
            NewFile.writeAll(List.of(NewFile.secret(file, KeyStores.encode(store, password))));
            return Optional.of(file);
        } catch (GeneralSecurityException | IOException e) {
            throw new SecurityConfigException(file, "cannot make " + what + ": " + e.getMessage(), e);
        }
    }

    /**
     * @throws SecurityConfigException naming the file when it is missing, unreadable or holds no key
     */
    SecretKey load(PkiLayout layout) {
        char[] password = MerlinCrypto.read(layout.cryptoProperties()).keyStorePassword().toCharArray();
        try (InputStream in = Files.newInputStream(file)) {
            KeyStore store = KeyStore.getInstance(KeyStores.TYPE);
            store.load(in, password);
            if (!(store.getEntry(alias, new KeyStore.PasswordProtection(password))
                    instanceof KeyStore.SecretKeyEntry entry)) {
                throw new SecurityConfigException(file, "holds no secret key '" + alias + "'");
            }
            return entry.getSecretKey();
        } catch (NoSuchFileException e) {
            throw new SecurityConfigException(file, "no such file: the run command makes it (DevPkiMain)", e);
        } catch (GeneralSecurityException | IOException e) {
            throw new SecurityConfigException(file, "cannot read " + what + ": " + e.getMessage(), e);
        }
    }
}
