package org.vbs.security.chap;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashSet;
import java.util.Set;
import javax.crypto.KeyGenerator;
import javax.crypto.SecretKey;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vbs.security.pki.DevPki;
import org.vbs.security.pki.DevPkiSetup;
import org.vbs.security.pki.PkiLayout;
import org.vbs.security.pki.SealingKeys;

/** CHAP secrets at rest: sealed with AES-GCM under the sealing key, bound to their context. */
class SecretSealerTest {
    @TempDir
    Path home;

    private static SecretKey newKey() throws Exception {
        KeyGenerator generator = KeyGenerator.getInstance("AES");
        generator.init(256);
        return generator.generateKey();
    }

    @Test
    void shouldUnsealWhatItSealedAndShowNothingOfTheSecret() throws Exception {
        SecretSealer sealer = new SecretSealer(newKey());
        char[] secret = "Qx3vT9mKp2LwZr8a".toCharArray();

        String sealed = sealer.seal(secret, "vol-0123456789abcdef0/att-1");

        assertFalse(sealed.contains("Qx3vT9mKp2LwZr8a"));
        assertArrayEquals(secret, sealer.unseal(sealed, "vol-0123456789abcdef0/att-1"));
        assertNotEquals(sealed, sealer.seal(secret, "vol-0123456789abcdef0/att-1"), "a fresh nonce every time");
    }

    @Test
    void shouldRefuseAnotherContextAnotherKeyOrAnAlteredValueWithoutShowingIt() throws Exception {
        SecretSealer sealer = new SecretSealer(newKey());
        String sealed = sealer.seal("Qx3vT9mKp2LwZr8a".toCharArray(), "vol-0123456789abcdef0/att-1");
        char[] bytes = sealed.toCharArray();
        bytes[20] = bytes[20] == 'A' ? 'B' : 'A';

        for (Runnable bad : new Runnable[] {
            () -> sealer.unseal(sealed, "vol-0123456789abcdef1/att-1"),
            () -> new SecretSealer(newKeyUnchecked()).unseal(sealed, "vol-0123456789abcdef0/att-1"),
            () -> sealer.unseal(new String(bytes), "vol-0123456789abcdef0/att-1"),
            () -> sealer.unseal("not base64 !", "vol-0123456789abcdef0/att-1")}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, bad::run);
            assertFalse(e.getMessage().contains("Qx3v"), e.getMessage());
        }
    }

    @Test
    void shouldMakeDistinctSecretsOfSixteenAlphanumericsAndDistinctUsers() {
        ChapSecrets chap = new ChapSecrets();
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 1000; i++) {
            String secret = new String(chap.newSecret());
            assertTrue(secret.matches("[A-Za-z0-9]{16}"), secret);
            assertTrue(seen.add(secret));
        }
        assertTrue(chap.newUser("vbs-").matches("vbs-[0-9a-f]{12}"));
        assertNotEquals(chap.newUser("vbs-"), chap.newUser("vbs-"));
    }

    @Test
    void shouldKeepOneSealingKeyPerVbsHomeUnderTheKeyStorePassword() throws Exception {
        PkiLayout layout = PkiLayout.under(home);
        DevPkiSetup.ensure(layout, DevPki.DEFAULT_SERVER_HOST);
        SecretKey first = SealingKeys.load(layout);

        DevPkiSetup.ensure(layout, DevPki.DEFAULT_SERVER_HOST);

        assertArrayEquals(first.getEncoded(), SealingKeys.load(layout).getEncoded(), "never replaced once made");
        assertEquals(32, first.getEncoded().length);
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(layout.sealingKeyStore())));
    }

    private static SecretKey newKeyUnchecked() {
        try {
            return newKey();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
