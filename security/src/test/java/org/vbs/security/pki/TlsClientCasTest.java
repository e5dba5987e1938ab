package org.vbs.security.pki;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vbs.security.Pem;
import org.vbs.security.SecurityConfigException;
import org.vbs.security.grid.CaDirectory;

class TlsClientCasTest {
    @TempDir
    Path home;

    @Test
    void shouldHoldEveryCaOfTheDirectoryUnderTheKeyStorePasswordReadableByTheOwnerOnly() throws Exception {
        // given a development PKI, whose CA directory also holds a second CA and a garbled file
        PkiLayout layout = PkiLayout.under(home);
        DevPkiSetup.ensure(layout, DevPki.DEFAULT_SERVER_HOST);
        CertificateAuthority other = DevPki.newCa("CN=Other Grid CA,O=Grid");
        CaDirectory directory = new CaDirectory(layout.caDirectory());
        Files.write(directory.certificateFile(other.certificate()), Pem.encodeCertificates(List.of(other.certificate())));
        Path garbled = layout.caDirectory().resolve("0badcafe.0");
        Files.writeString(garbled, "not a certificate", StandardCharsets.US_ASCII);
        List<String> skipped = new ArrayList<>();

        // when the trust store is written
        Path written = TlsClientCas.write(layout, skipped::add);

        // then it holds both CA certificates as trusted entries, and the garbled file is reported
        assertEquals(layout.tlsClientCas(), written);
        KeyStore store = load(written, MerlinCrypto.read(layout.cryptoProperties()).keyStorePassword());
        Set<Certificate> trusted = new HashSet<>();
        for (String alias : Collections.list(store.aliases())) {
            assertTrue(store.isCertificateEntry(alias), alias);
            trusted.add(store.getCertificate(alias));
        }
        assertEquals(Set.of(Pem.readCertificates(layout.caCert()).get(0), other.certificate()), trusted);
        assertEquals(1, skipped.size(), skipped.toString());
        assertTrue(skipped.get(0).contains(garbled.toString()), skipped.toString());
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(written)));
    }

    @Test
    void shouldReplaceTheStoreWhenTheDirectoryChanged() throws Exception {
        // given a trust store written before a CA was removed from the directory
        PkiLayout layout = PkiLayout.under(home);
        DevPkiSetup.ensure(layout, DevPki.DEFAULT_SERVER_HOST);
        CertificateAuthority other = DevPki.newCa("CN=Other Grid CA,O=Grid");
        Path otherFile = new CaDirectory(layout.caDirectory()).certificateFile(other.certificate());
        Files.write(otherFile, Pem.encodeCertificates(List.of(other.certificate())));
        TlsClientCas.write(layout, skipped -> { });
        Files.delete(otherFile);

        // when it is written again
        TlsClientCas.write(layout, skipped -> { });

        // then the removed CA is no longer trusted
        KeyStore store = load(layout.tlsClientCas(), MerlinCrypto.read(layout.cryptoProperties()).keyStorePassword());
        assertEquals(1, store.size());
        assertEquals(null, store.getCertificateAlias(other.certificate()));
    }

    @Test
    void shouldRefuseADirectoryWithoutCaAndWriteNothing() throws Exception {
        // given a PKI whose CA directory holds no CA certificate
        PkiLayout layout = PkiLayout.under(home);
        DevPkiSetup.ensure(layout, DevPki.DEFAULT_SERVER_HOST);
        try (var files = Files.list(layout.caDirectory())) {
            for (Path file : files.toList()) {
                Files.delete(file);
            }
        }

        // when the trust store is written, it is refused naming the directory, and no file is left
        SecurityConfigException refused = assertThrows(SecurityConfigException.class,
                () -> TlsClientCas.write(layout, skipped -> { }));
        assertTrue(refused.getMessage().contains(layout.caDirectory().toString()), refused.getMessage());
        assertFalse(Files.exists(layout.tlsClientCas()));
    }

    private static KeyStore load(Path file, String password) throws Exception {
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(file)) {
            store.load(in, password.toCharArray());
        }
        return store;
    }
}
