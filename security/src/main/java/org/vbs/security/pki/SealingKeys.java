package org.vbs.security.pki;

import java.nio.file.Path;
import java.util.Optional;
import javax.crypto.SecretKey;
import org.vbs.security.SecurityConfigException;

/**
 * The service's sealing key: one AES-256 key in a PKCS#12 key store ({@link PkiLayout#sealingKeyStore()},
 * mode 0600) protected by the server key store's password from crypto.properties. Every service node of
 * a cluster needs the same file (a secret sealed on one node is unsealed on another).
 */
public final class SealingKeys {
    static final String ALIAS = "vbs-sealing";

    private SealingKeys() {
    }

    /**
     * Makes the sealing key store if it is missing.
     *
     * @return the file made, if any
     */
    public static Optional<Path> ensure(PkiLayout layout) {
        return file(layout).ensure(layout);
    }

    /**
     * @throws SecurityConfigException naming the file when it is missing, unreadable or holds no key
     */
    public static SecretKey load(PkiLayout layout) {
        return file(layout).load(layout);
    }

    private static AesKeyFile file(PkiLayout layout) {
        return new AesKeyFile(layout.sealingKeyStore(), ALIAS, "the sealing key");
    }
}
