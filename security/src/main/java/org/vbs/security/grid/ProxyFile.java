package org.vbs.security.grid;

import java.io.ByteArrayOutputStream;
import java.nio.file.Path;
import java.util.List;
import org.vbs.security.Credential;
import org.vbs.security.NewFile;
import org.vbs.security.Pem;

/**
 * A proxy credential as one PEM file, in the layout grid-proxy-init and voms-proxy-init write
 * ({@code /tmp/x509up_u<uid>}): the proxy certificate, its private key (unencrypted, which is why
 * the file is the owner's alone), then the rest of the chain up to the end entity.
 */
public final class ProxyFile {
    private ProxyFile() {
    }

    /** The file to create (mode 0600) holding the credential, its chain first-to-last. */
    public static NewFile of(Path file, Credential proxy) {
        ByteArrayOutputStream pem = new ByteArrayOutputStream();
        pem.writeBytes(Pem.encodeCertificates(List.of(proxy.certificate())));
        pem.writeBytes(Pem.encodePrivateKey(proxy.privateKey()));
        pem.writeBytes(Pem.encodeCertificates(proxy.chain().subList(1, proxy.chain().size())));
        return NewFile.secret(file, pem.toByteArray());
    }
}
