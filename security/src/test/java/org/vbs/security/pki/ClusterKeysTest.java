package org.vbs.security.pki;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.crypto.SecretKey;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vbs.security.FileTree;
import org.vbs.security.KeyStores;

/** The cluster key: one AES-256 key a VBS home, in the PKCS#12 file and entry the server configuration reads. */
class ClusterKeysTest {
    @TempDir
    Path home;
    @TempDir
    Path otherHome;

    @Test
    void shouldMakeAnAes256KeyThatTheServerReadsWithTheKeyStorePasswordUnderItsAlias() throws Exception {
        PkiLayout layout = PkiLayout.under(home);
        DevPkiSetup.ensure(layout, DevPki.DEFAULT_SERVER_HOST);

        KeyStore store = serverView(layout);
        assertEquals(List.of(ClusterKeys.ALIAS), Collections.list(store.aliases()));
        SecretKey key = clusterKey(layout);
        assertEquals("AES", key.getAlgorithm());
        assertEquals(32, key.getEncoded().length);
        assertEquals("rw-------", FileTree.mode(layout.clusterKeyStore()));
        // a key of its own: not the sealing key
        assertFalse(Arrays.equals(SealingKeys.load(layout).getEncoded(), key.getEncoded()));
    }

    @Test
    void shouldGiveAHomeMadeBeforeTheClusterKeyItsKeyAndChangeNothingElse() throws Exception {
        // given a home made by an earlier version: everything but cluster.p12
        PkiLayout layout = PkiLayout.under(home);
        DevPkiSetup.ensure(layout, DevPki.DEFAULT_SERVER_HOST);
        Files.delete(layout.clusterKeyStore());
        Map<String, String> before = FileTree.snapshot(home);

        // when the run command's setup runs again
        List<Path> created = DevPkiSetup.ensure(layout, DevPki.DEFAULT_SERVER_HOST);

        // then only the cluster key is made
        assertEquals(List.of(layout.clusterKeyStore()), created);
        Map<String, String> after = FileTree.snapshot(home);
        after.keySet().retainAll(before.keySet());
        assertEquals(before, after);
        assertEquals(32, clusterKey(layout).getEncoded().length);
    }

    @Test
    void shouldKeepTheKeyOnceMadeAndGiveAnotherHomeAnotherKey() throws Exception {
        PkiLayout layout = PkiLayout.under(home);
        DevPkiSetup.ensure(layout, DevPki.DEFAULT_SERVER_HOST);
        SecretKey first = clusterKey(layout);

        assertEquals(Optional.empty(), ClusterKeys.ensure(layout));
        DevPkiSetup.ensure(layout, DevPki.DEFAULT_SERVER_HOST);

        assertArrayEquals(first.getEncoded(), clusterKey(layout).getEncoded(), "never replaced once made");
        PkiLayout other = PkiLayout.under(otherHome);
        DevPkiSetup.ensure(other, DevPki.DEFAULT_SERVER_HOST);
        assertFalse(Arrays.equals(first.getEncoded(), clusterKey(other).getEncoded()),
                "a home of its own is a cluster of its own");
    }

    @Test
    void shouldKeepAnExistingFileEvenAGarbledOneForTheOperatorToReplace() throws Exception {
        PkiLayout layout = PkiLayout.under(home);
        DevPkiSetup.ensure(layout, DevPki.DEFAULT_SERVER_HOST);
        Files.write(layout.clusterKeyStore(), new byte[] {1, 2, 3});
        Map<String, String> before = FileTree.snapshot(home);

        assertEquals(Optional.empty(), ClusterKeys.ensure(layout));
        assertEquals(List.of(), DevPkiSetup.ensure(layout, DevPki.DEFAULT_SERVER_HOST));

        assertEquals(before, FileTree.snapshot(home));
    }

    /**
     * cluster.p12 read as WildFly's Elytron key store reads it: PKCS12 under the key store password of
     * crypto.properties.
     */
    private static KeyStore serverView(PkiLayout layout) throws Exception {
        char[] password = MerlinCrypto.read(layout.cryptoProperties()).keyStorePassword().toCharArray();
        KeyStore store = KeyStore.getInstance(KeyStores.TYPE);
        try (InputStream in = Files.newInputStream(layout.clusterKeyStore())) {
            store.load(in, password);
        }
        return store;
    }

    /** The key as JGroups' SYM_ENCRYPT takes it: the entry of the alias, under that same password. */
    private static SecretKey clusterKey(PkiLayout layout) throws Exception {
        char[] password = MerlinCrypto.read(layout.cryptoProperties()).keyStorePassword().toCharArray();
        return ((KeyStore.SecretKeyEntry) serverView(layout).getEntry(ClusterKeys.ALIAS,
                new KeyStore.PasswordProtection(password))).getSecretKey();
    }
}
