package org.vbs.security.pki;

import eu.emi.security.authn.x509.impl.CertificateUtils;
import eu.emi.security.authn.x509.impl.KeyAndCertCredential;
import eu.emi.security.authn.x509.impl.OpensslNameUtils;
import eu.emi.security.authn.x509.proxy.ProxyCertificate;
import eu.emi.security.authn.x509.proxy.ProxyCertificateOptions;
import eu.emi.security.authn.x509.proxy.ProxyGenerator;
import eu.emi.security.authn.x509.proxy.ProxyType;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStoreException;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import javax.security.auth.x500.X500Principal;
import org.bouncycastle.asn1.x509.AttributeCertificate;
import org.italiangrid.voms.asn1.VOMSACGenerator;
import org.vbs.security.Credential;
import org.vbs.security.NewFile;

/**
 * A VOMS server (attribute authority) without a server: its credential, VO and host, issuing VOMS
 * attribute certificates (ACs) with voms-api-java's own generator, and the vomsdir file that makes
 * a service believe them. For tests and development setups that need VOMS proxies.
 *
 * @param credential the server's certificate (its chain up to, not including, the CA) and key
 * @param vo the virtual organisation it speaks for, e.g. {@code myvo}
 * @param host the host name it runs on (the .lsc file's name)
 */
public record VomsServer(Credential credential, String vo, String host) {
    /** The port the ACs name (VOMS servers listen on one per VO; nothing connects to it here). */
    public static final int PORT = 15000;
    private static final SecureRandom RANDOM = new SecureRandom();

    /** A VOMS server of the VO on the host, with a server certificate the CA issues now. */
    public static VomsServer issuedBy(CertificateAuthority ca, String vo, String host) {
        return new VomsServer(ca.issueServer(host), vo, host);
    }

    /**
     * An AC for the holder (a user's certificate: the AC names its subject and serial) asserting the
     * FQANs, valid from notBefore to notAfter, with this server's certificate embedded as VOMS
     * servers do.
     *
     * @param fqans in the full form, e.g. {@code /myvo/Role=storage-admin/Capability=NULL}, the primary one first
     */
    public AttributeCertificate issue(X509Certificate holder, List<String> fqans, Instant notBefore, Instant notAfter) {
        // The generator signs through the "BC" JCA provider, which canl registers.
        CertificateUtils.configureSecProvider();
        KeyAndCertCredential signer;
        try {
            signer = new KeyAndCertCredential(credential.privateKey(),
                    credential.chain().toArray(new X509Certificate[0]));
        } catch (KeyStoreException e) {
            throw new IllegalStateException("the VOMS server credential of " + host + " cannot be used", e);
        }
        return new VOMSACGenerator(signer).generateVOMSAttributeCertificate(fqans, List.of(), List.of(), holder,
                new BigInteger(64, RANDOM), Date.from(notBefore), Date.from(notAfter), vo, host, PORT)
                .toASN1Structure();
    }

    /**
     * An RFC 3820 proxy of the user (valid 12 hours, RSA 2048), carrying the ACs as
     * voms-proxy-init puts them.
     */
    public static Credential proxyWith(Credential user, List<AttributeCertificate> acs) {
        ProxyCertificateOptions options = new ProxyCertificateOptions(user.chain().toArray(new X509Certificate[0]));
        options.setType(ProxyType.RFC3820);
        options.setLifetime(12 * 3600);
        options.setKeyLength(2048);
        try {
            options.setAttributeCertificates(acs.toArray(new AttributeCertificate[0]));
            ProxyCertificate proxy = ProxyGenerator.generate(options, user.privateKey());
            return new Credential(proxy.getPrivateKey(), List.of(proxy.getCertificateChain()));
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException("cannot make a VOMS proxy of " + user.certificate().getSubjectX500Principal(), e);
        }
    }

    /**
     * The vomsdir file that makes a service believe this server's ACs:
     * {@code <vomsdir>/<vo>/<host>.lsc}, the server's DN then its issuer's, in slash form.
     */
    public NewFile lscFile(Path vomsDirectory) {
        X509Certificate certificate = credential.certificate();
        String lsc = slashForm(certificate.getSubjectX500Principal()) + "\n"
                + slashForm(certificate.getIssuerX500Principal()) + "\n";
        return NewFile.readable(vomsDirectory.resolve(vo).resolve(host + ".lsc"), lsc.getBytes(StandardCharsets.UTF_8));
    }

    private static String slashForm(X500Principal name) {
        return OpensslNameUtils.convertFromRfc2253(name.getName(X500Principal.RFC2253), false);
    }
}
