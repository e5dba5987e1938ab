package org.vbs.it.support;

import java.net.URI;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.StandardCopyOption;
import java.security.cert.X509CRL;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import javax.security.auth.x500.X500Principal;
import org.vbs.security.Credential;
import org.vbs.security.Pem;
import org.vbs.security.grid.CaDirectory;
import org.vbs.security.pki.CertificateAuthority;
import org.vbs.security.pki.DevPki;
import org.vbs.security.pki.PkiLayout;

/**
 * The identities the tests call the service with, all real certificates: the development user of a
 * VBS_HOME (the administrator), further users issued by its development CA (a fresh DN each, so a
 * test starts from an empty account), and users of a CA the server does not trust.
 *
 * @param endpoint the service the ports call
 * @param pki the PKI of the server's VBS_HOME (its CA, its server certificate, its dev user)
 */
public record Callers(URI endpoint, PkiLayout pki) {

    /** The callers of the Arquillian server. */
    public static Callers ofArquillianServer() {
        return new Callers(ItConfig.endpoint(), PkiLayout.under(ItConfig.vbsHome()));
    }

    public static Callers of(URI endpoint, Path vbsHome) {
        return new Callers(endpoint, PkiLayout.under(vbsHome));
    }

    /** The development user of pki/user (listed as administrator by the test setup). */
    public Caller devUser() {
        return caller(Credential.load(pki.userCert(), pki.userKey()));
    }

    /**
     * A user issued now by the development CA, with a DN no one has used yet.
     *
     * @param role what the user is for, put into its CN to make server logs readable
     */
    public Caller newUser(String role) {
        CertificateAuthority ca = new CertificateAuthority(Credential.load(pki.caCert(), pki.caKey()));
        return caller(ca.issueUser(uniqueDn(role)));
    }

    /**
     * A user with the given DN whose certificate comes from a CA made now, which the server has never
     * heard of: a stranger claiming someone's identity.
     */
    public Caller fromUntrustedCa(String dn) {
        CertificateAuthority rogue = DevPki.newCa("CN=Untrusted Test CA " + UUID.randomUUID() + ",O=Elsewhere");
        return caller(rogue.issueUser(dn));
    }

    /**
     * Revokes the caller's certificate the way a grid site does: the development CA's CRL in the
     * server's CA directory ({@code $VBS_HOME/certificates/<hash>.r0}) is replaced by a newer one
     * listing it (and only it).
     */
    public void revoke(Caller caller) throws IOException {
        CertificateAuthority ca = new CertificateAuthority(Credential.load(pki.caCert(), pki.caKey()));
        CaDirectory directory = new CaDirectory(pki.caDirectory());
        X509CRL crl = ca.issueCrl(List.of(caller.credential().certificate().getSerialNumber()));
        Path next = Files.write(directory.crlFile(ca.certificate()).resolveSibling("next.crl.tmp"), Pem.encodeCrl(crl));
        // Moved in whole: the server re-reads the directory at any moment and must never see half a CRL.
        Files.move(next, directory.crlFile(ca.certificate()), StandardCopyOption.REPLACE_EXISTING,
                StandardCopyOption.ATOMIC_MOVE);
    }

    /** The certificates a client needs to check the server's signed answers. */
    public List<X509Certificate> trusted() {
        List<X509Certificate> trusted = new ArrayList<>(Pem.readCertificates(pki.caCert()));
        trusted.addAll(Pem.readCertificates(pki.serverCert()));
        return trusted;
    }

    /** A caller signing with the credential, on a port of its own. */
    public Caller caller(Credential credential) {
        String dn = credential.certificate().getSubjectX500Principal().getName(X500Principal.RFC2253);
        return new Caller(dn, credential, SignedClients.port(endpoint, credential, trusted()));
    }

    /** A DN for a new test user: OU=vbs-it, a CN naming the role and a random part. */
    public static String uniqueDn(String role) {
        return "CN=" + role + " " + UUID.randomUUID().toString().substring(0, 8) + ",OU=vbs-it,O=Grid";
    }
}
