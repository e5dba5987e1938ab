package org.vbs.security.pki;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import org.vbs.security.Credential;
import org.vbs.security.GridIdentity;
import org.vbs.security.KeyStores;
import org.vbs.security.NewFile;
import org.vbs.security.Pem;
import org.vbs.security.SecurityConfigException;
import org.vbs.security.grid.CaDirectory;
import org.vbs.security.grid.GridCrypto;
import org.vbs.security.grid.GridTrustSettings;

/**
 * Makes the missing files of a {@link PkiLayout}, never touching one that exists: an operator's
 * own CA and credentials are kept, and only what is missing is derived from them. Everything is
 * worked out in memory first and then written all or nothing, so a refusal leaves no file behind.
 */
public final class DevPkiSetup {
    private final PkiLayout layout;
    private final List<NewFile> toCreate = new ArrayList<>();
    /** The CA certificates of cacert.pem; read (or made) when first needed. */
    private List<X509Certificate> caCertificates;
    /** The CA of cacert.pem + cakey.pem; read (or made) when something must be issued. */
    private CertificateAuthority issuer;

    private DevPkiSetup(PkiLayout layout) {
        this.layout = layout;
    }

    /**
     * Makes whatever of the layout is missing: the development CA, the server credential for the
     * host, the development user credential ({@link DevPki#USER_DN}), server.p12, crypto.properties,
     * the CA directory (each CA's {@code <hash>.0}, the development CA's CRL), the development plugin signer ({@link DevPki#PLUGIN_SIGNER_DN}), whose
     * certificate a newly issued signer also puts into the plugin trust store (the signer only when
     * the CA key is there to issue it), the sealing key store ({@link SealingKeys}), the cluster key store ({@link ClusterKeys}) and an empty
     * vomsdir.
     *
     * @param serverHost the host name (or IP address) the server certificate is for
     * @return the files created, in order (empty if nothing was missing)
     * @throws SecurityConfigException naming the file if an existing file is garbled or the files
     *     present do not fit together; nothing is created then
     * @throws IllegalArgumentException if the host is no host name or IP address
     */
    public static List<Path> ensure(PkiLayout layout, String serverHost) {
        CertificateAuthority.requireHostName(serverHost);
        DevPkiSetup setup = new DevPkiSetup(layout);
        setup.planCa();
        Optional<Credential> newServer = setup.planCredential(layout.serverCert(), layout.serverKey(),
                "the server credential", ca -> ca.issueServer(serverHost));
        setup.planCredential(layout.userCert(), layout.userKey(), "the development user credential",
                ca -> ca.issueUser(DevPki.USER_DN));
        setup.planServerStores(newServer);
        setup.planCaDirectory();
        // Without the CA key (an operator's own CA) there is no development signer: operators sign
        // their bundles with their own code-signing key then.
        if (setup.issuer != null || Files.exists(layout.caKey())) {
            setup.planCredential(layout.pluginSignerCert(), layout.pluginSignerKey(), "the development plugin signer",
                    ca -> ca.issuePluginSigner(DevPki.PLUGIN_SIGNER_DN)).ifPresent(setup::planTrustedSigner);
        }
        List<Path> created = new ArrayList<>(NewFile.writeAll(setup.toCreate));
        SealingKeys.ensure(layout).ifPresent(created::add);
        ClusterKeys.ensure(layout).ifPresent(created::add);
        ensureVomsDirectory(layout).ifPresent(created::add);
        return created;
    }

    /**
     * Issues a further user credential with the layout's CA into a directory, as usercert.pem and
     * userkey.pem (e.g. a second identity for tests).
     *
     * @param dn the user's DN, in RFC 2253 or grid slash form
     * @return the two files created
     * @throws SecurityConfigException if the CA files are missing or garbled, or either file exists
     * @throws IllegalArgumentException if the DN is not one
     */
    public static List<Path> issueUser(PkiLayout layout, String dn, Path directory) {
        GridIdentity subject = GridIdentity.parse(dn);
        Credential user = loadCa(layout).issueUser(subject.dn());
        return NewFile.writeAll(user.toPemFiles(directory.resolve(PkiLayout.USER_CERT_FILE),
                directory.resolve(PkiLayout.USER_KEY_FILE)));
    }

    /** An empty vomsdir, so the server starts trusting no VOMS server until an .lsc file is put there. */
    private static Optional<Path> ensureVomsDirectory(PkiLayout layout) {
        if (Files.isDirectory(layout.vomsDirectory())) {
            return Optional.empty();
        }
        try {
            return Optional.of(Files.createDirectories(layout.vomsDirectory()));
        } catch (IOException e) {
            throw new SecurityConfigException(layout.vomsDirectory(), "cannot create directory: " + e, e);
        }
    }

    private void planCa() {
        boolean certExists = Files.exists(layout.caCert());
        if (!certExists && Files.exists(layout.caKey())) {
            throw new SecurityConfigException(layout.caCert(), "no such file, yet the CA key " + layout.caKey()
                    + " exists: restore the CA certificate, or remove the key to have a new development CA made");
        }
        if (!certExists) {
            issuer = DevPki.newCa(DevPki.CA_DN);
            caCertificates = issuer.credential().chain();
            toCreate.addAll(issuer.credential().toPemFiles(layout.caCert(), layout.caKey()));
        }
    }

    /** Issues the credential if both its files are missing; refuses if only one is. */
    private Optional<Credential> planCredential(Path certFile, Path keyFile, String what,
            Function<CertificateAuthority, Credential> issue) {
        boolean certExists = Files.exists(certFile);
        boolean keyExists = Files.exists(keyFile);
        if (certExists && keyExists) {
            return Optional.empty();
        }
        if (certExists || keyExists) {
            Path present = certExists ? certFile : keyFile;
            throw new SecurityConfigException(certExists ? keyFile : certFile, "no such file, yet " + present
                    + " exists: supply both, or remove " + present + " to have a new " + what + " issued");
        }
        if (issuer == null) {
            if (!Files.exists(layout.caKey())) {
                throw new SecurityConfigException(layout.caKey(), "no such file: the CA key is needed to issue "
                        + what + "; supply " + certFile + " and " + keyFile + " instead");
            }
            issuer = loadCa(layout);
        }
        Credential credential = issue.apply(issuer);
        toCreate.addAll(credential.toPemFiles(certFile, keyFile));
        return Optional.of(credential);
    }

    /**
     * A new development signer is trusted to sign plugins. Only then: an operator who removed the
     * development signer from the plugin trust store keeps it removed.
     */
    private void planTrustedSigner(Credential signer) {
        toCreate.add(NewFile.readable(layout.pluginTrustedDevSigner(),
                Pem.encodeCertificates(List.of(signer.certificate()))));
    }

    /**
     * server.p12 and crypto.properties (which holds its password) are made together; a key store
     * missing later is rebuilt with the password crypto.properties names.
     */
    private void planServerStores(Optional<Credential> newServer) {
        boolean keyStoreExists = Files.exists(layout.serverKeyStore());
        boolean propertiesExist = Files.exists(layout.cryptoProperties());
        if (propertiesExist && !MerlinCrypto.namesCaDirectory(layout.cryptoProperties())) {
            throw new SecurityConfigException(layout.cryptoProperties(), "names no CA directory ("
                    + GridTrustSettings.CERTIFICATES + "): it predates grid trust; add that key and the provider "
                    + GridCrypto.PROVIDER_NAME + ", or remove it and server.p12 to have both made again");
        }
        if (keyStoreExists && propertiesExist) {
            return;
        }
        MerlinCrypto crypto;
        if (propertiesExist) {
            crypto = MerlinCrypto.read(layout.cryptoProperties());
        } else if (keyStoreExists) {
            throw new SecurityConfigException(layout.serverKeyStore(), "exists, yet " + layout.cryptoProperties()
                    + ", which holds its password, does not: restore it, or remove server.p12 to have it made again");
        } else {
            crypto = MerlinCrypto.generate();
            toCreate.add(NewFile.secret(layout.cryptoProperties(), crypto.toPropertiesFile(layout)));
        }
        Credential server = newServer.orElseGet(() -> Credential.load(layout.serverCert(), layout.serverKey()));
        toCreate.add(NewFile.secret(layout.serverKeyStore(), KeyStores.encode(
                KeyStores.withCredential(withCaChain(server), crypto.alias(), crypto.privateKeyPassword().toCharArray()),
                crypto.keyStorePassword().toCharArray())));
    }

    /**
     * Every CA certificate of cacert.pem gets its {@code <hash>.0} in the CA directory, and a CA whose
     * key is here (the development CA) an empty CRL {@code <hash>.r0}, so revoking is dropping a
     * newer CRL in. Files already there are kept: the operator owns the directory.
     */
    private void planCaDirectory() {
        CaDirectory directory = new CaDirectory(layout.caDirectory());
        for (X509Certificate ca : caCertificates()) {
            if (!Files.exists(directory.certificateFile(ca))) {
                toCreate.add(directory.certificate(ca));
            }
        }
        if (issuer == null && !Files.exists(layout.caKey())) {
            return;
        }
        X509Certificate ca = caCertificates().get(0);
        if (!Files.exists(directory.crlFile(ca))) {
            if (issuer == null) {
                issuer = loadCa(layout);
            }
            toCreate.add(directory.crl(ca, issuer.issueCrl(List.of())));
        }
    }

    /**
     * The server's chain completed up to its root with the certificates of cacert.pem, so that
     * server.p12 holds the whole chain; a chain from a CA not in cacert.pem stays as it is.
     */
    private Credential withCaChain(Credential server) {
        Credential completed = server;
        while (true) {
            X509Certificate last = completed.chain().get(completed.chain().size() - 1);
            if (last.getIssuerX500Principal().equals(last.getSubjectX500Principal())) {
                return completed;
            }
            Optional<X509Certificate> issuerCertificate = caCertificates().stream()
                    .filter(ca -> ca.getSubjectX500Principal().equals(last.getIssuerX500Principal()))
                    .findFirst();
            if (issuerCertificate.isEmpty() || completed.chain().contains(issuerCertificate.get())) {
                return completed;
            }
            try {
                completed = completed.withIssuer(issuerCertificate.get());
            } catch (IllegalArgumentException e) {
                throw new SecurityConfigException(layout.serverCert(), e.getMessage() + " (its issuer's name is that"
                        + " of a CA in " + layout.caCert() + ", but that CA did not sign it)", e);
            }
        }
    }

    private List<X509Certificate> caCertificates() {
        if (caCertificates == null) {
            caCertificates = Pem.readCertificates(layout.caCert());
        }
        return caCertificates;
    }

    private static CertificateAuthority loadCa(PkiLayout layout) {
        Credential ca = Credential.load(layout.caCert(), layout.caKey());
        try {
            return new CertificateAuthority(ca);
        } catch (IllegalArgumentException e) {
            throw new SecurityConfigException(layout.caCert(), e.getMessage(), e);
        }
    }
}
