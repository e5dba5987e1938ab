package org.vbs.security.grid;

import eu.emi.security.authn.x509.proxy.ProxyCertificate;
import eu.emi.security.authn.x509.proxy.ProxyCertificateOptions;
import eu.emi.security.authn.x509.proxy.ProxyGenerator;
import eu.emi.security.authn.x509.proxy.ProxyType;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import javax.security.auth.x500.X500Principal;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.vbs.security.Credential;

/**
 * Certificates the development PKI never issues, made for trust tests: end entities with a chosen
 * validity period, RFC 3820 proxies (through canl's own generator, as grid-proxy-init makes them),
 * and a proxy whose subject does not extend its issuer's. Shipped as security's test jar for the
 * integration tests' refusal cases.
 */
public final class GridChains {
    private GridChains() {
    }

    /** A user certificate issued by the CA, valid only from notBefore to notAfter. */
    public static Credential user(Credential ca, String dn, Instant notBefore, Instant notAfter) throws Exception {
        KeyPair keys = rsa();
        X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(ca.certificate().getSubjectX500Principal(),
                BigInteger.valueOf(System.nanoTime()), Date.from(notBefore), Date.from(notAfter),
                new X500Principal(dn), keys.getPublic())
                .addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
        return new Credential(keys.getPrivate(), List.of(sign(builder, ca.privateKey())));
    }

    /** An RFC 3820 proxy of the credential (its chain first), optionally limited, with a path-length limit or none (-1). */
    public static Credential proxy(Credential parent, boolean limited, int pathLimit) throws Exception {
        ProxyCertificateOptions options = new ProxyCertificateOptions(parent.chain().toArray(new X509Certificate[0]));
        options.setType(ProxyType.RFC3820);
        options.setLimited(limited);
        options.setLifetime(3600);
        options.setKeyLength(2048);
        if (pathLimit >= 0) {
            options.setProxyPathLimit(pathLimit);
        }
        ProxyCertificate proxy = ProxyGenerator.generate(options, parent.privateKey());
        return new Credential(proxy.getPrivateKey(), List.of(proxy.getCertificateChain()));
    }

    /**
     * A well-formed proxy's extensions under a subject that is not its issuer's subject plus one CN:
     * RFC 3820 section 3.4 forbids it (it would let a proxy name someone else).
     */
    public static Credential proxyNamedAfterSomeoneElse(Credential parent) throws Exception {
        Credential genuine = proxy(parent, false, -1);
        X509CertificateHolder holder = new X509CertificateHolder(genuine.certificate().getEncoded());
        X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(parent.certificate().getSubjectX500Principal(),
                holder.getSerialNumber(), holder.getNotBefore(), holder.getNotAfter(),
                new X500Principal("CN=Someone Else,OU=vbs,O=Grid"), genuine.certificate().getPublicKey());
        for (Object oid : holder.getExtensionOIDs()) {
            builder.copyAndAddExtension((org.bouncycastle.asn1.ASN1ObjectIdentifier) oid, true, holder);
        }
        X509Certificate forged = sign(builder, parent.privateKey());
        List<X509Certificate> chain = new java.util.ArrayList<>(parent.chain());
        chain.add(0, forged);
        return new Credential(genuine.privateKey(), chain);
    }

    public static X509Certificate[] chain(Credential credential) {
        return credential.chain().toArray(new X509Certificate[0]);
    }

    private static KeyPair rsa() throws GeneralSecurityException {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        return generator.generateKeyPair();
    }

    private static X509Certificate sign(X509v3CertificateBuilder builder, PrivateKey key) throws Exception {
        return new JcaX509CertificateConverter().getCertificate(
                builder.build(new JcaContentSignerBuilder("SHA256withRSA").build(key)));
    }
}
