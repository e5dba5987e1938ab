package org.vbs.security.plugin;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.security.CodeSigner;
import java.security.GeneralSecurityException;
import java.security.cert.CertPath;
import java.security.cert.CertPathValidator;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.CertificateParsingException;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Collectors;

/**
 * Decides whether a plugin jar may be installed, with the JDK's own jar verification: every entry
 * (except the signature files themselves) must be signed and match its signed digest, all by the
 * same single signer, whose certificate is in the {@link PluginTrust} or validates (PKIX, no
 * revocation checking) to a CA certificate there; a signer certificate restricted to other
 * purposes than code signing is refused.
 */
public final class SignedJarVerifier {
    /** Extended key usage codeSigning and anyExtendedKeyUsage. */
    private static final String CODE_SIGNING = "1.3.6.1.5.5.7.3.3";
    private static final String ANY_PURPOSE = "2.5.29.37.0";

    private SignedJarVerifier() {
    }

    /**
     * @return the signer's certificate
     * @throws JarRefusedException saying why: not a jar, unsigned, partly signed, tampered, several
     *     signers, untrusted, expired or not a code-signing certificate
     */
    public static X509Certificate verify(Path jar, PluginTrust trust) throws JarRefusedException {
        List<X509Certificate> chain = signerChain(jar);
        requireTrusted(jar, chain, trust);
        return chain.get(0);
    }

    /** Reads every entry (which makes JarFile check its digest) and returns the one signer's chain. */
    private static List<X509Certificate> signerChain(Path jar) throws JarRefusedException {
        CodeSigner signer = null;
        int signed = 0;
        List<String> unsigned = new ArrayList<>();
        try (JarFile file = new JarFile(jar.toFile(), true)) {
            if (file.getManifest() == null) {
                throw new JarRefusedException(jar, "is not signed (it has no manifest)");
            }
            for (Enumeration<JarEntry> entries = file.entries(); entries.hasMoreElements(); ) {
                JarEntry entry = entries.nextElement();
                if (entry.isDirectory() || isSignatureFile(entry.getName())) {
                    continue;
                }
                readFully(jar, file, entry);
                CodeSigner[] signers = entry.getCodeSigners();
                if (signers == null || signers.length == 0) {
                    unsigned.add(entry.getName());
                    continue;
                }
                if (signers.length > 1) {
                    throw new JarRefusedException(jar, "entry " + entry.getName() + " is signed by " + signers.length
                            + " signers; a plugin must have exactly one");
                }
                if (signer == null) {
                    signer = signers[0];
                } else if (!signer.getSignerCertPath().equals(signers[0].getSignerCertPath())) {
                    throw new JarRefusedException(jar, "its entries are signed by different signers ("
                            + subject(signer) + " and " + subject(signers[0]) + "); a plugin must have exactly one");
                }
                signed++;
            }
        } catch (IOException e) {
            throw new JarRefusedException(jar, "is not a readable jar: " + e.getMessage(), e);
        }
        if (signed == 0) {
            throw new JarRefusedException(jar, "is not signed");
        }
        if (!unsigned.isEmpty()) {
            throw new JarRefusedException(jar, "is only partly signed: " + unsigned.size() + " entr"
                    + (unsigned.size() == 1 ? "y is" : "ies are") + " not signed (first: " + unsigned.get(0) + ")");
        }
        List<X509Certificate> chain = new ArrayList<>();
        signer.getSignerCertPath().getCertificates().forEach(c -> chain.add((X509Certificate) c));
        return chain;
    }

    /** Reading the entry to its end is what makes JarFile compare it with its signed digest. */
    private static void readFully(Path jar, JarFile file, JarEntry entry) throws IOException, JarRefusedException {
        byte[] buffer = new byte[8192];
        try (InputStream in = file.getInputStream(entry)) {
            while (in.read(buffer) >= 0) {
                // read to the end
            }
        } catch (SecurityException e) {
            throw new JarRefusedException(jar, "entry " + entry.getName()
                    + " does not match its signature (changed after signing?): " + e.getMessage(), e);
        }
    }

    /** The manifest and META-INF/*.SF, *.RSA, *.DSA, *.EC, SIG-*: what signing adds, not what it covers. */
    static boolean isSignatureFile(String name) {
        String upper = name.toUpperCase(Locale.ROOT);
        if (!upper.startsWith("META-INF/") || upper.indexOf('/', "META-INF/".length()) >= 0) {
            return false;
        }
        String file = upper.substring("META-INF/".length());
        return file.equals("MANIFEST.MF") || file.startsWith("SIG-") || file.endsWith(".SF") || file.endsWith(".RSA")
                || file.endsWith(".DSA") || file.endsWith(".EC");
    }

    private static void requireTrusted(Path jar, List<X509Certificate> chain, PluginTrust trust)
            throws JarRefusedException {
        X509Certificate leaf = chain.get(0);
        requireCodeSigning(jar, leaf);
        if (trust.certificates().contains(leaf)) {
            try {
                leaf.checkValidity();
            } catch (CertificateException e) {
                throw new JarRefusedException(jar, "its signer's certificate " + leaf.getSubjectX500Principal()
                        + " is not valid now: " + e.getMessage(), e);
            }
            return;
        }
        List<X509Certificate> authorities = trust.authorities();
        if (authorities.isEmpty()) {
            throw new JarRefusedException(jar, "its signer " + leaf.getSubjectX500Principal() + " is not trusted: the"
                    + " plugin trust store " + trust.directory() + " holds neither its certificate nor a CA");
        }
        // The path up to, not including, the anchor (a jar often carries its root too).
        List<X509Certificate> path = new ArrayList<>(chain);
        while (path.size() > 1 && authorities.contains(path.get(path.size() - 1))) {
            path.remove(path.size() - 1);
        }
        try {
            Set<TrustAnchor> anchors = authorities.stream().map(ca -> new TrustAnchor(ca, null))
                    .collect(Collectors.toSet());
            PKIXParameters parameters = new PKIXParameters(anchors);
            // Operators' plugin CAs publish no CRLs here; the trust store itself is the revocation list.
            parameters.setRevocationEnabled(false);
            CertPath certPath = CertificateFactory.getInstance("X.509").generateCertPath(path);
            CertPathValidator.getInstance("PKIX").validate(certPath, parameters);
        } catch (GeneralSecurityException e) {
            throw new JarRefusedException(jar, "its signer " + leaf.getSubjectX500Principal() + " is not trusted: no"
                    + " certificate of the plugin trust store " + trust.directory() + " vouches for it ("
                    + e.getMessage() + ")", e);
        }
    }

    private static void requireCodeSigning(Path jar, X509Certificate leaf) throws JarRefusedException {
        List<String> purposes;
        try {
            purposes = leaf.getExtendedKeyUsage();
        } catch (CertificateParsingException e) {
            throw new JarRefusedException(jar, "its signer's certificate has an unreadable extended key usage", e);
        }
        if (purposes != null && !purposes.contains(CODE_SIGNING) && !purposes.contains(ANY_PURPOSE)) {
            throw new JarRefusedException(jar, "its signer's certificate " + leaf.getSubjectX500Principal()
                    + " is not for code signing (extended key usage " + purposes + ")");
        }
    }

    private static String subject(CodeSigner signer) {
        return ((X509Certificate) signer.getSignerCertPath().getCertificates().get(0)).getSubjectX500Principal()
                .toString();
    }
}
