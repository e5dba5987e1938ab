package org.vbs.security;

import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.openssl.PEMEncryptedKeyPair;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.openssl.jcajce.JceOpenSSLPKCS8DecryptorProviderBuilder;
import org.bouncycastle.openssl.jcajce.JcePEMDecryptorProviderBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.pkcs.PKCS8EncryptedPrivateKeyInfo;
import org.bouncycastle.pkcs.PKCSException;

/**
 * PEM files as grid tools and OpenSSL write them: X.509 certificates, and private keys in PKCS#8
 * ("BEGIN PRIVATE KEY") or the traditional OpenSSL form ("BEGIN RSA PRIVATE KEY", "BEGIN EC PRIVATE
 * KEY"), either optionally encrypted. Blocks of other kinds are skipped, so one file may hold a
 * certificate chain and its key (as a proxy file does). Keys are written as unencrypted PKCS#8.
 */
public final class Pem {
    private static final String CERTIFICATE_EXPECTED = "expected a -----BEGIN CERTIFICATE----- block";
    private static final String KEY_EXPECTED =
            "expected a -----BEGIN PRIVATE KEY----- or -----BEGIN RSA PRIVATE KEY----- block";

    /**
     * Only for decrypting keys: the PBE ciphers OpenSSL uses are not all in the JDK. An instance,
     * not registered with {@link java.security.Security}, so the JVM's provider list is untouched.
     */
    private static final BouncyCastleProvider DECRYPTION_PROVIDER = new BouncyCastleProvider();

    private Pem() {
    }

    /**
     * The certificates of a PEM file, in file order (for a credential: the end entity first).
     *
     * @throws SecurityConfigException naming the file if it is missing, unreadable, garbled or
     *     holds no certificate
     */
    public static List<X509Certificate> readCertificates(Path file) {
        JcaX509CertificateConverter converter = new JcaX509CertificateConverter();
        List<X509Certificate> certificates = new ArrayList<>();
        for (Object object : readObjects(file)) {
            if (object instanceof X509CertificateHolder holder) {
                try {
                    certificates.add(converter.getCertificate(holder));
                } catch (CertificateException e) {
                    throw new SecurityConfigException(file, "holds an unusable certificate: " + e.getMessage(), e);
                }
            }
        }
        if (certificates.isEmpty()) {
            throw new SecurityConfigException(file, "holds no certificate (" + CERTIFICATE_EXPECTED + ")");
        }
        return List.copyOf(certificates);
    }

    /**
     * The first private key of an unencrypted PEM file.
     *
     * @throws SecurityConfigException naming the file if it is missing, unreadable, garbled,
     *     encrypted or holds no private key
     */
    public static PrivateKey readPrivateKey(Path file) {
        return readKey(file, () -> {
            throw new SecurityConfigException(file, "holds an encrypted private key; a pass phrase is needed to read it");
        });
    }

    /**
     * The first private key of a PEM file, decrypted with the password if it is encrypted.
     *
     * @throws SecurityConfigException naming the file if it is missing, unreadable, garbled, holds
     *     no private key, or its key is encrypted and cannot be decrypted with the password
     */
    public static PrivateKey readPrivateKey(Path file, char[] password) {
        return readKey(file, () -> password.clone());
    }

    /**
     * The first private key of a PEM file; if it is encrypted (PKCS#8 "BEGIN ENCRYPTED PRIVATE KEY"
     * or OpenSSL's "Proc-Type: 4,ENCRYPTED"), the pass phrase is asked for (only then) and wiped
     * after use.
     *
     * @throws SecurityConfigException naming the file if it is missing, unreadable, garbled, holds
     *     no private key, or the pass phrase does not decrypt it; or whatever the pass phrase source throws
     */
    public static PrivateKey readPrivateKey(Path file, Supplier<char[]> passphrase) {
        return readKey(file, passphrase);
    }

    private static PrivateKey readKey(Path file, Supplier<char[]> password) {
        for (Object object : readObjects(file)) {
            Optional<PrivateKeyInfo> info = privateKeyInfo(file, object, password);
            if (info.isPresent()) {
                try {
                    return new JcaPEMKeyConverter().getPrivateKey(info.get());
                } catch (IOException e) {
                    throw new SecurityConfigException(file, "holds an unusable private key: " + e.getMessage(), e);
                }
            }
        }
        throw new SecurityConfigException(file, "holds no private key (" + KEY_EXPECTED + ")");
    }

    /** The certificates as PEM text, in order. */
    public static byte[] encodeCertificates(List<X509Certificate> certificates) {
        StringWriter text = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(text)) {
            for (X509Certificate certificate : certificates) {
                writer.writeObject(certificate);
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot PEM-encode a certificate", e);
        }
        return text.toString().getBytes(StandardCharsets.US_ASCII);
    }

    /** The CRL as PEM ("BEGIN X509 CRL"), as grid CA directories keep it ({@code <hash>.r0}). */
    public static byte[] encodeCrl(X509CRL crl) {
        StringWriter text = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(text)) {
            writer.writeObject(crl);
        } catch (IOException e) {
            throw new IllegalStateException("cannot PEM-encode a CRL", e);
        }
        return text.toString().getBytes(StandardCharsets.US_ASCII);
    }

    /** The key as unencrypted PKCS#8 PEM ("BEGIN PRIVATE KEY"), which OpenSSL and grid tools read. */
    public static byte[] encodePrivateKey(PrivateKey key) {
        StringWriter text = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(text)) {
            writer.writeObject(new JcaPKCS8Generator(key, null));
        } catch (IOException e) {
            throw new IllegalStateException("cannot PEM-encode a " + key.getAlgorithm() + " private key", e);
        }
        return text.toString().getBytes(StandardCharsets.US_ASCII);
    }

    /** The key in a PEM object, decrypted if need be; empty if the object is no private key. */
    private static Optional<PrivateKeyInfo> privateKeyInfo(Path file, Object object, Supplier<char[]> password) {
        if (object instanceof PrivateKeyInfo info) {
            return Optional.of(info);
        } else if (object instanceof PEMKeyPair pair) {
            return Optional.of(pair.getPrivateKeyInfo());
        } else if (!(object instanceof PEMEncryptedKeyPair) && !(object instanceof PKCS8EncryptedPrivateKeyInfo)) {
            return Optional.empty();
        }
        char[] secret = password.get();
        try {
            if (object instanceof PEMEncryptedKeyPair encrypted) {
                return Optional.of(encrypted.decryptKeyPair(new JcePEMDecryptorProviderBuilder()
                        .setProvider(DECRYPTION_PROVIDER).build(secret)).getPrivateKeyInfo());
            }
            return Optional.of(((PKCS8EncryptedPrivateKeyInfo) object).decryptPrivateKeyInfo(
                    new JceOpenSSLPKCS8DecryptorProviderBuilder().setProvider(DECRYPTION_PROVIDER).build(secret)));
        } catch (IOException | OperatorCreationException | PKCSException | RuntimeException e) {
            // A wrong pass phrase shows as bad padding or, for the traditional form, as garbled DER
            // (which Bouncy Castle reports with unchecked exceptions).
            throw new SecurityConfigException(file, "cannot decrypt the private key: wrong pass phrase?", e);
        } finally {
            Arrays.fill(secret, '\0');
        }
    }

    private static List<Object> readObjects(Path file) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.ISO_8859_1);
        } catch (NoSuchFileException e) {
            throw new SecurityConfigException(file, "no such file", e);
        } catch (IOException e) {
            throw new SecurityConfigException(file, "cannot read: " + e, e);
        }
        List<Object> objects = new ArrayList<>();
        try (PEMParser parser = new PEMParser(new StringReader(text))) {
            for (Object object = parser.readObject(); object != null; object = parser.readObject()) {
                objects.add(object);
            }
        } catch (IOException | RuntimeException e) {
            // Bouncy Castle reports bad base64 or DER as unchecked exceptions of several types.
            throw new SecurityConfigException(file, "not a valid PEM file: " + e.getMessage(), e);
        }
        return objects;
    }
}
