package org.vbs.security.plugin;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import org.vbs.security.Pem;
import org.vbs.security.SecurityConfigException;

/**
 * The certificates an operator trusts to sign plugins: every certificate of every {@code *.pem}
 * file of the trust directory. A certificate there is trusted directly as a signer; a CA
 * certificate there (basicConstraints CA:true) also trusts the signers it issued.
 *
 * @param directory where they were read from (named in refusals)
 */
public record PluginTrust(Path directory, List<X509Certificate> certificates) {
    public PluginTrust {
        certificates = List.copyOf(certificates);
    }

    /**
     * Reads the trust directory. A missing directory trusts nobody (every plugin is then refused,
     * which the refusals say).
     *
     * @throws SecurityConfigException naming the file when one cannot be read or holds no certificate
     */
    public static PluginTrust read(Path directory) {
        if (!Files.isDirectory(directory)) {
            return new PluginTrust(directory, List.of());
        }
        List<Path> files = new ArrayList<>();
        try (DirectoryStream<Path> listing = Files.newDirectoryStream(directory, "*.pem")) {
            listing.forEach(files::add);
        } catch (IOException e) {
            throw new SecurityConfigException(directory, "cannot list the plugin trust store: " + e, e);
        }
        files.sort(null);
        List<X509Certificate> certificates = new ArrayList<>();
        for (Path file : files) {
            certificates.addAll(Pem.readCertificates(file));
        }
        return new PluginTrust(directory, certificates);
    }

    /** The CA certificates of the store: the anchors a signer's chain may lead to. */
    List<X509Certificate> authorities() {
        return certificates.stream().filter(c -> c.getBasicConstraints() >= 0).toList();
    }
}
