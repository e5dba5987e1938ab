package org.vbs.security.pki;

import java.nio.file.Path;
import java.util.Optional;

/**
 * The cluster key: one AES-256 key in a PKCS#12 key store ({@link PkiLayout#clusterKeyStore()}, mode
 * 0600, alias {@value #ALIAS}) protected by the server key store's password from crypto.properties.
 * JGroups' SYM_ENCRYPT encrypts the cluster traffic with it (ear/src/main/cli/17-cluster-guard.cli), so
 * every node of one cluster needs the same file and a process without it can neither join nor read.
 */
public final class ClusterKeys {
    /** The key's alias, as the server configuration names it. */
    public static final String ALIAS = "vbs-cluster";

    private ClusterKeys() {
    }

    /**
     * Makes the cluster key store if it is missing (a new home, or one made before the cluster key).
     *
     * @return the file made, if any
     */
    public static Optional<Path> ensure(PkiLayout layout) {
        return file(layout).ensure(layout);
    }

    private static AesKeyFile file(PkiLayout layout) {
        return new AesKeyFile(layout.clusterKeyStore(), ALIAS, "the cluster key");
    }
}
