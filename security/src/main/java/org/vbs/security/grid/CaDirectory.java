package org.vbs.security.grid;

import eu.emi.security.authn.x509.helpers.trust.OpensslTruststoreHelper;
import java.nio.file.Path;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.util.List;
import org.vbs.security.NewFile;
import org.vbs.security.Pem;

/**
 * File names in an OpenSSL-style CA directory: a CA certificate is {@code <hash>.0}, its CRL
 * {@code <hash>.r0}, where the hash is OpenSSL's subject-name hash (the SHA-1 based one of OpenSSL
 * 1.0 and later, or, with {@code legacyMd5}, the MD5 one of older OpenSSL; grid directories hold both).
 */
public record CaDirectory(Path directory) {

    public static String hash(X509Certificate ca, boolean legacyMd5) {
        return OpensslTruststoreHelper.getOpenSSLCAHash(ca.getSubjectX500Principal(), !legacyMd5);
    }

    public Path certificateFile(X509Certificate ca) {
        return directory.resolve(hash(ca, false) + ".0");
    }

    public Path crlFile(X509Certificate ca) {
        return directory.resolve(hash(ca, false) + ".r0");
    }

    /** The CA certificate as a new (PEM) file of the directory. */
    public NewFile certificate(X509Certificate ca) {
        return NewFile.readable(certificateFile(ca), Pem.encodeCertificates(List.of(ca)));
    }

    /** The CA's CRL as a new (PEM) file of the directory. */
    public NewFile crl(X509Certificate ca, X509CRL crl) {
        return NewFile.readable(crlFile(ca), Pem.encodeCrl(crl));
    }
}
