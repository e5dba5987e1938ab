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
 * The service's sealing key: one AES-256 key in a PKCS#12 key store ({@link PkiLayout#sealingKeyStore()},
 * mode 0600) protected by the server key store's password from crypto.properties. Every service node of
 * a cluster needs the same file (a secret sealed on one node is unsealed on another).
 */
public final class SealingKeys {
    static final String ALIAS = "vbs-sealing";
    private static final int KEY_BITS = 256;

    private SealingKeys() {
    }

    /**
     * Makes the sealing key store if it is missing.
     *
     * @return the file made, if any
     */
    public static Optional<Path> ensure(PkiLayout layout) {
        Path file = layout.sealingKeyStore();
        if (Files.exists(file)) {
            return Optional.empty();
        }
        char[] password = MerlinCrypto.read(layout.cryptoProperties()).keyStorePassword().toCharArray();
        try {
            KeyGenerator generator = KeyGenerator.getInstance("AES");
            generator.init(KEY_BITS, new SecureRandom());
            KeyStore store = KeyStore.getInstance(KeyStores.TYPE);
            store.load(null, null);
            store.setEntry(ALIAS, new KeyStore.SecretKeyEntry(generator.generateKey()),
                    new KeyStore.PasswordProtection(password));
            NewFile.writeAll(List.of(NewFile.secret(file, KeyStores.encode(store, password))));
            return Optional.of(file);
        } catch (GeneralSecurityException | IOException e) {
            throw new SecurityConfigException(file, "cannot make the sealing key: " + e.getMessage(), e);
        }
    }

    /**
     * @throws SecurityConfigException naming the file when it is missing, unreadable or holds no key
     */
    public static SecretKey load(PkiLayout layout) {
        Path file = layout.sealingKeyStore();
        char[] password = MerlinCrypto.read(layout.cryptoProperties()).keyStorePassword().toCharArray();
        try (InputStream in = Files.newInputStream(file)) {
            KeyStore store = KeyStore.getInstance(KeyStores.TYPE);
            store.load(in, password);
            if (!(store.getEntry(ALIAS, new KeyStore.PasswordProtection(password))
                    instanceof KeyStore.SecretKeyEntry entry)) {
                throw new SecurityConfigException(file, "holds no secret key '" + ALIAS + "'");
            }
            return entry.getSecretKey();
        } catch (NoSuchFileException e) {
            throw new SecurityConfigException(file, "no such file: the run command makes it (DevPkiMain)", e);
        } catch (GeneralSecurityException | IOException e) {
            throw new SecurityConfigException(file, "cannot read the sealing key: " + e.getMessage(), e);
        }
    }
}
