package org.vbs.security;

import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.InvalidKeyException;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.SignatureException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;
import javax.security.auth.x500.X500Principal;

/**
 * A private key and the certificate chain that goes with it: the end-entity certificate first,
 * each following certificate the issuer of the one before. Grid tools keep a user's in
 * usercert.pem and userkey.pem; the key is checked to belong to the first certificate.
 */
public record Credential(PrivateKey privateKey, List<X509Certificate> chain) {

    public Credential {
        Objects.requireNonNull(privateKey, "privateKey");
        chain = List.copyOf(chain);
        if (chain.isEmpty()) {
            throw new IllegalArgumentException("a credential needs at least its own certificate");
        }
        for (int i = 1; i < chain.size(); i++) {
            if (!chain.get(i - 1).getIssuerX500Principal().equals(chain.get(i).getSubjectX500Principal())) {
                throw new IllegalArgumentException("certificate chain out of order: '"
                        + chain.get(i - 1).getSubjectX500Principal() + "' was not issued by '"
                        + chain.get(i).getSubjectX500Principal() + "'");
            }
        }
        if (!keyMatches(privateKey, chain.get(0))) {
            throw new IllegalArgumentException("the private key does not belong to the certificate of '"
                    + chain.get(0).getSubjectX500Principal() + "'");
        }
    }

    /**
     * Reads a credential from PEM files: the certificate file holds the end-entity certificate,
     * optionally followed by its issuers; the key file holds its unencrypted private key.
     *
     * @throws SecurityConfigException naming the file that is missing, garbled or does not match
     */
    public static Credential load(Path certificateFile, Path keyFile) {
        List<X509Certificate> chain = Pem.readCertificates(certificateFile);
        return matched(certificateFile, chain, keyFile, Pem.readPrivateKey(keyFile));
    }

    /**
     * The same for a key file that may be encrypted: the pass phrase is asked for only if it is
     * (see {@link Pem#readPrivateKey(Path, Supplier)}).
     */
    public static Credential load(Path certificateFile, Path keyFile, Supplier<char[]> passphrase) {
        List<X509Certificate> chain = Pem.readCertificates(certificateFile);
        return matched(certificateFile, chain, keyFile, Pem.readPrivateKey(keyFile, passphrase));
    }

    private static Credential matched(Path certificateFile, List<X509Certificate> chain, Path keyFile, PrivateKey key) {
        boolean matches;
        try {
            matches = keyMatches(key, chain.get(0));
        } catch (IllegalArgumentException e) {
            throw new SecurityConfigException(keyFile, e.getMessage(), e);
        }
        if (!matches) {
            throw new SecurityConfigException(keyFile, "is not the private key of the certificate in " + certificateFile);
        }
        try {
            return new Credential(key, chain);
        } catch (IllegalArgumentException e) {
            throw new SecurityConfigException(certificateFile, e.getMessage(), e);
        }
    }

    /** The end-entity certificate. */
    public X509Certificate certificate() {
        return chain.get(0);
    }

    /**
     * This credential with its chain extended by the certificate that issued the last one.
     *
     * @throws IllegalArgumentException if that certificate did not issue (sign) the last one
     */
    public Credential withIssuer(X509Certificate issuer) {
        X509Certificate last = chain.get(chain.size() - 1);
        try {
            last.verify(issuer.getPublicKey());
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("'" + last.getSubjectX500Principal() + "' is not signed by '"
                    + issuer.getSubjectX500Principal() + "'", e);
        }
        List<X509Certificate> extended = new ArrayList<>(chain);
        extended.add(issuer);
        return new Credential(privateKey, extended);
    }

    /**
     * The two PEM files of this credential: the whole chain in the certificate file (public), the
     * unencrypted private key in the key file (mode 0600). Write them with {@link NewFile#writeAll}.
     */
    public List<NewFile> toPemFiles(Path certificateFile, Path keyFile) {
        return List.of(NewFile.readable(certificateFile, Pem.encodeCertificates(chain)),
                NewFile.secret(keyFile, Pem.encodePrivateKey(privateKey)));
    }

    /** Never shows the key. */
    @Override
    public String toString() {
        return "Credential[" + certificate().getSubjectX500Principal().getName(X500Principal.RFC2253)
                + ", chain of " + chain.size() + "]";
    }

    /** Signs a random challenge with the key and checks it with the certificate's public key. */
    private static boolean keyMatches(PrivateKey key, X509Certificate certificate) {
        String algorithm = switch (key.getAlgorithm()) {
            case "RSA" -> "SHA256withRSA";
            case "EC" -> "SHA256withECDSA";
            case "EdDSA", "Ed25519", "Ed448" -> "EdDSA";
            default -> throw new IllegalArgumentException("unsupported private key algorithm " + key.getAlgorithm());
        };
        byte[] challenge = new byte[32];
        new SecureRandom().nextBytes(challenge);
        try {
            Signature signer = Signature.getInstance(algorithm);
            signer.initSign(key);
            signer.update(challenge);
            byte[] signature = signer.sign();
            Signature verifier = Signature.getInstance(algorithm);
            verifier.initVerify(certificate.getPublicKey());
            verifier.update(challenge);
            return verifier.verify(signature);
        } catch (InvalidKeyException | SignatureException e) {
            // The certificate holds a key of another kind or size: it is not this key's certificate.
            return false;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot check a " + key.getAlgorithm() + " key against its certificate", e);
        }
    }
}
