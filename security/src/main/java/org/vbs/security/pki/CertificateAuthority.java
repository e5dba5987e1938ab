package org.vbs.security.pki;

import java.math.BigInteger;
import java.security.KeyPair;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import javax.security.auth.x500.X500Principal;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.util.IPAddress;
import org.vbs.security.Credential;
import org.vbs.security.GridIdentity;

/**
 * A CA that can issue: its certificate and private key. Issues the development server and user
 * credentials (RSA 2048, SHA-256 signatures, random 128-bit serials), each valid for at most
 * {@link DevPki#SERVER_VALIDITY} / {@link DevPki#USER_VALIDITY} and never beyond the CA itself.
 */
public record CertificateAuthority(Credential credential) {
    /** RFC 1123 host names: dot-separated labels of letters, digits and inner hyphens. */
    private static final Pattern HOST_NAME = Pattern.compile(
            "(?=.{1,253}$)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*");
    private static final String LOCALHOST = "localhost";
    private static final String LOOPBACK_ADDRESS = "127.0.0.1";

    public CertificateAuthority {
        if (credential.certificate().getBasicConstraints() < 0) {
            throw new IllegalArgumentException("'" + credential.certificate().getSubjectX500Principal()
                    + "' is not a CA certificate (no basicConstraints CA:true)");
        }
    }

    public X509Certificate certificate() {
        return credential.certificate();
    }

    /**
     * A server credential for the host: subject "CN=host,OU=vbs,O=Grid", subject alternative names
     * for the host, "localhost" and 127.0.0.1, usable for TLS server and client authentication and
     * for signing SOAP messages.
     *
     * @param hostName a DNS host name or an IP address
     * @throws IllegalArgumentException if it is neither
     */
    public Credential issueServer(String hostName) {
        requireHostName(hostName);
        List<GeneralName> names = new ArrayList<>();
        names.add(new GeneralName(GeneralName.dNSName, LOCALHOST));
        names.add(new GeneralName(GeneralName.iPAddress, LOOPBACK_ADDRESS));
        if (!hostName.equalsIgnoreCase(LOCALHOST) && !hostName.equals(LOOPBACK_ADDRESS)) {
            names.add(0, new GeneralName(IPAddress.isValid(hostName) ? GeneralName.iPAddress : GeneralName.dNSName, hostName));
        }
        X500Principal subject = new X500Principal("CN=" + hostName + ",OU=vbs,O=Grid");
        return issue(CertificateBuilder.Profile.SERVER, subject, names, DevPki.SERVER_VALIDITY);
    }

    /**
     * A user credential whose subject is the DN, which is then that user's identity; usable for
     * TLS client authentication and for signing SOAP messages.
     *
     * @param dn the subject DN, in RFC 2253 or grid slash form ({@link GridIdentity#parse})
     * @throws IllegalArgumentException if the DN is not one
     */
    public Credential issueUser(String dn) {
        return issue(CertificateBuilder.Profile.USER, GridIdentity.parse(dn).principal(), List.of(), DevPki.USER_VALIDITY);
    }

    /**
     * A code-signing credential (extended key usage codeSigning only) that signs plugin bundles;
     * the plugin host trusts what it signed once its certificate is in the plugin trust store.
     *
     * @param dn the subject DN, in RFC 2253 or grid slash form
     */
    public Credential issuePluginSigner(String dn) {
        return issue(CertificateBuilder.Profile.CODE_SIGNING, GridIdentity.parse(dn).principal(), List.of(),
                DevPki.PLUGIN_SIGNER_VALIDITY);
    }

    /**
     * A CRL revoking the serial numbers, valid from now for {@link DevPki#CRL_VALIDITY} (never
     * beyond the CA), numbered by its issuing time, so a later CRL has a higher number.
     */
    public X509CRL issueCrl(List<BigInteger> revoked) {
        Instant thisUpdate = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        Instant nextUpdate = thisUpdate.plus(DevPki.CRL_VALIDITY);
        Instant caEnd = certificate().getNotAfter().toInstant();
        return CertificateBuilder.crl(credential, revoked, BigInteger.valueOf(System.currentTimeMillis()), thisUpdate,
                nextUpdate.isAfter(caEnd) ? caEnd : nextUpdate);
    }

    /** Throws unless the text is a DNS host name or an IP address. */
    static void requireHostName(String hostName) {
        if (!HOST_NAME.matcher(hostName).matches() && !IPAddress.isValid(hostName)) {
            throw new IllegalArgumentException("not a host name or IP address: '" + hostName + "'");
        }
    }

    private Credential issue(CertificateBuilder.Profile profile, X500Principal subject, List<GeneralName> altNames,
            Duration validity) {
        KeyPair keys = CertificateBuilder.newRsaKeyPair(DevPki.LEAF_KEY_BITS);
        X509Certificate certificate = CertificateBuilder.endEntity(profile, subject, keys.getPublic(), altNames,
                credential, validity);
        return new Credential(keys.getPrivate(), List.of(certificate));
    }
}
