package org.vbs.security.plugin;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.NoSuchAlgorithmException;
import java.security.cert.CertPath;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.util.zip.ZipFile;
import jdk.security.jarsigner.JarSigner;
import jdk.security.jarsigner.JarSignerException;
import org.vbs.security.Credential;

/**
 * Signs a jar with a PEM credential through the JDK's {@code jdk.security.jarsigner} API (what the
 * {@code jarsigner} tool runs): SHA-256 digests, the credential's whole chain in the signature
 * block. The key never leaves this process: no key store, no password on a command line.
 */
public final class PluginJarSigner {
    /** The base name of the signature files: META-INF/VBSPLUG.SF and .RSA. */
    public static final String SIGNER_NAME = "VBSPLUG";

    private PluginJarSigner() {
    }

    /**
     * Writes the signed copy of {@code jar} to {@code signed}: to a temporary file beside it first,
     * then renamed over it, so that a plugin directory never sees half a jar.
     *
     * @throws IOException when the jar cannot be read or the copy not written (the temporary file is removed)
     */
    public static void sign(Credential signer, Path jar, Path signed) throws IOException {
        CertPath chain;
        try {
            chain = CertificateFactory.getInstance("X.509").generateCertPath(signer.chain());
        } catch (CertificateException e) {
            throw new IllegalStateException("the JDK cannot make a certificate path", e);
        }
        JarSigner jarSigner;
        try {
            jarSigner = new JarSigner.Builder(signer.privateKey(), chain)
                    .digestAlgorithm("SHA-256")
                    .signerName(SIGNER_NAME)
                    .build();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-256", e);
        }
        Path parent = signed.toAbsolutePath().getParent();
        Path part = Files.createTempFile(parent, "." + signed.getFileName(), ".part");
        try {
            try (ZipFile in = new ZipFile(jar.toFile()); OutputStream out = Files.newOutputStream(part)) {
                jarSigner.sign(in, out);
            } catch (JarSignerException e) {
                throw new IOException("cannot sign " + jar + ": " + e.getMessage(), e);
            }
            Files.move(part, signed, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(part);
        }
    }
}
