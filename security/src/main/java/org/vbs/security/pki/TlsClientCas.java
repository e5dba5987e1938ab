package org.vbs.security.pki;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import org.vbs.security.KeyStores;
import org.vbs.security.NewFile;
import org.vbs.security.Pem;
import org.vbs.security.SecurityConfigException;

/**
 * The HTTPS listener's trust store for TLS client certificates ({@link PkiLayout#tlsClientCas()}):
 * every CA certificate ({@code <hash>.N}) of the CA directory crypto.properties names, as trusted
 * entries of a PKCS#12 file protected by the server key store's password (mode 0600). WildFly's
 * TLS stack (Elytron) reads trust only from a key store, not from a grid CA directory, so the run
 * command rewrites this copy at every start; the service checks a presented chain against the
 * directory itself (CRLs, namespaces, re-read while it runs) before it relies on it.
 */
public final class TlsClientCas {
    private static final String ALIAS = "ca";

    private TlsClientCas() {
    }

    /**
     * (Re)writes the trust store: written aside and renamed into place, so a running reader never
     * sees half a file.
     *
     * @param skipped told about each {@code <hash>.N} file that holds no readable CA certificate (it
     *     is left out, as the service's own trust check leaves it out)
     * @return the trust store written
     * @throws SecurityConfigException naming the file if crypto.properties is unreadable, the CA
     *     directory cannot be listed or holds no CA certificate at all, or the store cannot be written
     */
    public static Path write(PkiLayout layout, Consumer<String> skipped) {
        MerlinCrypto crypto = MerlinCrypto.read(layout.cryptoProperties());
        Path directory = MerlinCrypto.caDirectory(layout.cryptoProperties());
        List<X509Certificate> cas = new ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(directory, "*.[0-9]")) {
            for (Path file : files) {
                readCa(file, skipped).ifPresent(cas::add);
            }
        } catch (IOException e) {
            throw new SecurityConfigException(directory, "cannot list the CA directory: " + e, e);
        }
        if (cas.isEmpty()) {
            throw new SecurityConfigException(directory, "holds no CA certificate (<hash>.0 file)");
        }
        byte[] store = KeyStores.encode(KeyStores.trusting(cas, ALIAS), crypto.keyStorePassword().toCharArray());
        NewFile.secret(layout.tlsClientCas(), store).replace();
        return layout.tlsClientCas();
    }

    private static Optional<X509Certificate> readCa(Path file, Consumer<String> skipped) {
        List<X509Certificate> certificates;
        try {
            certificates = Pem.readCertificates(file);
        } catch (SecurityConfigException e) {
            skipped.accept(e.getMessage());
            return Optional.empty();
        }
        if (certificates.size() != 1 || certificates.get(0).getBasicConstraints() < 0) {
            skipped.accept(file + ": not one CA certificate");
            return Optional.empty();
        }
        return Optional.of(certificates.get(0));
    }
}
