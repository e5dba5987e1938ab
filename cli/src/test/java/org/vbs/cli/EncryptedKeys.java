package org.vbs.cli;

import java.io.IOException;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.openssl.jcajce.JcaMiscPEMGenerator;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.openssl.jcajce.JceOpenSSLPKCS8EncryptorBuilder;
import org.bouncycastle.openssl.jcajce.JcePEMEncryptorBuilder;
import org.bouncycastle.operator.OperatorCreationException;

/** Private keys encrypted as grid-cert-request and openssl write them, for tests. */
final class EncryptedKeys {
    /** OpenSSL's PBE ciphers are not all in the JDK; an unregistered instance leaves the JVM's providers alone. */
    private static final BouncyCastleProvider BC = new BouncyCastleProvider();

    private EncryptedKeys() {
    }

    /** PKCS#8, "BEGIN ENCRYPTED PRIVATE KEY" (OpenSSL 1.1 and later). */
    static Path pkcs8(Path file, PrivateKey key, char[] passphrase) throws IOException, OperatorCreationException {
        StringWriter text = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(text)) {
            writer.writeObject(new JcaPKCS8Generator(key, new JceOpenSSLPKCS8EncryptorBuilder(
                    JcaPKCS8Generator.AES_256_CBC).setProvider(BC).setPassword(passphrase).build()));
        }
        return write(file, text.toString(), "-----BEGIN ENCRYPTED PRIVATE KEY-----");
    }

    /** The traditional OpenSSL form: "BEGIN RSA PRIVATE KEY" with "Proc-Type: 4,ENCRYPTED". */
    static Path traditional(Path file, PrivateKey key, char[] passphrase) throws IOException {
        StringWriter text = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(text)) {
            writer.writeObject(new JcaMiscPEMGenerator(key,
                    new JcePEMEncryptorBuilder("DES-EDE3-CBC").setProvider(BC).build(passphrase)));
        }
        return write(file, text.toString(), "Proc-Type: 4,ENCRYPTED");
    }

    private static Path write(Path file, String pem, String expected) throws IOException {
        if (!pem.contains(expected)) {
            throw new IllegalStateException("Bouncy Castle wrote no '" + expected + "' key");
        }
        return Files.writeString(file, pem, StandardCharsets.US_ASCII);
    }
}
