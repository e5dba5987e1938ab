package org.vbs.security.pki;

import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.CertificateException;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Date;
import java.util.List;
import javax.security.auth.x500.X500Principal;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.x509.AuthorityKeyIdentifier;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.CRLNumber;
import org.bouncycastle.asn1.x509.CRLReason;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.asn1.x509.SubjectKeyIdentifier;
import org.bouncycastle.cert.CertIOException;
import org.bouncycastle.cert.X509v2CRLBuilder;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CRLConverter;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v2CRLBuilder;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.vbs.security.Credential;

/** Builds and signs X.509 v3 certificates with Bouncy Castle, using the JDK's crypto providers. */
final class CertificateBuilder {
    private static final SecureRandom RANDOM = new SecureRandom();
    /** Backdating covers clocks a little behind this machine's (other cluster nodes, clients). */
    private static final Duration BACKDATING = Duration.ofMinutes(5);

    /** What an end-entity certificate may be used for. */
    enum Profile {
        SERVER(KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth),
        USER(KeyPurposeId.id_kp_clientAuth),
        CODE_SIGNING(KeyPurposeId.id_kp_codeSigning);

        private final KeyPurposeId[] purposes;

        Profile(KeyPurposeId... purposes) {
            this.purposes = purposes;
        }
    }

    private CertificateBuilder() {
    }

    static KeyPair newRsaKeyPair(int bits) {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(bits, RANDOM);
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK cannot make " + bits + "-bit RSA keys", e);
        }
    }

    /** A self-signed CA certificate: basicConstraints CA:true, keyUsage keyCertSign and cRLSign. */
    static X509Certificate selfSignedCa(X500Principal subject, KeyPair keys, Duration validity) {
        Instant notBefore = notBefore();
        X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(subject, serial(), Date.from(notBefore),
                Date.from(notBefore.plus(validity)), subject, keys.getPublic());
        try {
            JcaX509ExtensionUtils extensions = new JcaX509ExtensionUtils();
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(true))
                    .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign))
                    .addExtension(Extension.subjectKeyIdentifier, false,
                            extensions.createSubjectKeyIdentifier(keys.getPublic()))
                    .addExtension(Extension.authorityKeyIdentifier, false,
                            extensions.createAuthorityKeyIdentifier(keys.getPublic()));
        } catch (CertIOException | GeneralSecurityException e) {
            throw new IllegalStateException("cannot build the extensions of '" + subject + "'", e);
        }
        return sign(builder, keys.getPrivate(), subject);
    }

    /**
     * An end-entity certificate signed by the issuer: basicConstraints CA:false, keyUsage
     * digitalSignature and keyEncipherment, the profile's extended key usages, and the subject
     * alternative names if any. Valid from now for the validity, but not beyond the issuer.
     */
    static X509Certificate endEntity(Profile profile, X500Principal subject, PublicKey publicKey,
            List<GeneralName> altNames, Credential issuer, Duration validity) {
        X509Certificate issuerCertificate = issuer.certificate();
        Instant notBefore = notBefore();
        Instant notAfter = notBefore.plus(validity);
        if (notAfter.isAfter(issuerCertificate.getNotAfter().toInstant())) {
            notAfter = issuerCertificate.getNotAfter().toInstant();
        }
        X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(issuerCertificate.getSubjectX500Principal(),
                serial(), Date.from(notBefore), Date.from(notAfter), subject, publicKey);
        try {
            JcaX509ExtensionUtils extensions = new JcaX509ExtensionUtils();
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
                    .addExtension(Extension.keyUsage, true,
                            new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyEncipherment))
                    .addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(profile.purposes))
                    .addExtension(Extension.subjectKeyIdentifier, false, extensions.createSubjectKeyIdentifier(publicKey))
                    .addExtension(Extension.authorityKeyIdentifier, false, authorityKeyIdentifier(issuerCertificate));
            if (!altNames.isEmpty()) {
                builder.addExtension(Extension.subjectAlternativeName, false,
                        new GeneralNames(altNames.toArray(new GeneralName[0])));
            }
        } catch (CertIOException | GeneralSecurityException e) {
            throw new IllegalStateException("cannot build the extensions of '" + subject + "'", e);
        }
        return sign(builder, issuer.privateKey(), subject);
    }

    /**
     * A CRL (v2, with the issuer's authority key identifier and a CRL number) revoking the serial
     * numbers, valid from thisUpdate until nextUpdate.
     */
    static X509CRL crl(Credential issuer, List<BigInteger> revoked, BigInteger number, Instant thisUpdate,
            Instant nextUpdate) {
        X509Certificate issuerCertificate = issuer.certificate();
        X509v2CRLBuilder builder = new JcaX509v2CRLBuilder(issuerCertificate.getSubjectX500Principal(),
                Date.from(thisUpdate));
        builder.setNextUpdate(Date.from(nextUpdate));
        for (BigInteger serial : revoked) {
            builder.addCRLEntry(serial, Date.from(thisUpdate), CRLReason.keyCompromise);
        }
        try {
            builder.addExtension(Extension.authorityKeyIdentifier, false, authorityKeyIdentifier(issuerCertificate))
                    .addExtension(Extension.cRLNumber, false, new CRLNumber(number));
            return new JcaX509CRLConverter().getCRL(builder.build(
                    new JcaContentSignerBuilder(signatureAlgorithm(issuer.privateKey())).build(issuer.privateKey())));
        } catch (CertIOException | GeneralSecurityException | OperatorCreationException e) {
            throw new IllegalStateException("cannot issue a CRL of '" + issuerCertificate.getSubjectX500Principal() + "'", e);
        }
    }

    /**
     * Points at the issuer's own subject key identifier where it has one, so that path builders
     * match them even for an operator's CA whose identifier was computed another way.
     */
    private static AuthorityKeyIdentifier authorityKeyIdentifier(X509Certificate issuer)
            throws GeneralSecurityException {
        byte[] extension = issuer.getExtensionValue(Extension.subjectKeyIdentifier.getId());
        if (extension == null) {
            return new JcaX509ExtensionUtils().createAuthorityKeyIdentifier(issuer.getPublicKey());
        }
        byte[] keyIdentifier = SubjectKeyIdentifier.getInstance(
                ASN1OctetString.getInstance(extension).getOctets()).getKeyIdentifier();
        return new AuthorityKeyIdentifier(keyIdentifier);
    }

    private static X509Certificate sign(X509v3CertificateBuilder builder, PrivateKey issuerKey, X500Principal subject) {
        try {
            return new JcaX509CertificateConverter().getCertificate(
                    builder.build(new JcaContentSignerBuilder(signatureAlgorithm(issuerKey)).build(issuerKey)));
        } catch (OperatorCreationException | CertificateException e) {
            throw new IllegalStateException("cannot sign the certificate of '" + subject + "'", e);
        }
    }

    private static String signatureAlgorithm(PrivateKey issuerKey) {
        return switch (issuerKey.getAlgorithm()) {
            case "RSA" -> "SHA256withRSA";
            case "EC" -> "SHA256withECDSA";
            default -> throw new IllegalArgumentException("cannot sign with a " + issuerKey.getAlgorithm() + " CA key");
        };
    }

    /** A positive random 128-bit serial number, unique without any issuing state. */
    private static BigInteger serial() {
        BigInteger serial;
        do {
            serial = new BigInteger(128, RANDOM);
        } while (serial.signum() == 0);
        return serial;
    }

    private static Instant notBefore() {
        return Instant.now().minus(BACKDATING).truncatedTo(ChronoUnit.SECONDS);
    }
}
