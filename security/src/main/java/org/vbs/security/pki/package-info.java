/**
 * The PKI files of a VBS installation and the development PKI that makes them.
 *
 * <h2>Layout</h2>
 * Under {@code $VBS_HOME/pki} ({@link org.vbs.security.pki.PkiLayout}):
 * <pre>
 * ca/cacert.pem             CA certificate(s) the server trusts (PEM; several may be concatenated)   0644
 * ca/cakey.pem              the development CA's private key (PEM, PKCS#8, unencrypted); only
 *                           needed to issue credentials                                              0600
 * server/servercert.pem     the server's certificate, optionally followed by its issuers (PEM)       0644
 * server/serverkey.pem      the server's private key (PEM, PKCS#8 or "RSA PRIVATE KEY")              0600
 * server/server.p12         PKCS#12: the server's key and whole chain, alias "vbs-server"            0600
 * server/crypto.properties  WSS4J crypto (org.vbs.security.grid.GridCrypto): server.p12's path and
 *                           random password, and the CA directory that decides trust; the server's
 *                           endpoint configuration points at it                                      0600
 * server/tls-client-cas.p12  PKCS#12 trust store of the CA directory's CA certificates (same password),
 *                           rewritten by DevPkiMain at every start ({@link org.vbs.security.pki.TlsClientCas}):
 *                           the HTTPS listener's trust for TLS client certificates                  0600
 * server/sealing.p12       PKCS#12: the AES-256 key sealing secrets at rest, alias "vbs-sealing"
 *                           (server.p12's password)                                                  0600
 * server/cluster.p12        PKCS#12: the AES-256 key encrypting the cluster traffic (JGroups
 *                           SYM_ENCRYPT), alias "vbs-cluster" (server.p12's password); the same
 *                           file on every node of one cluster                                        0600
 * user/usercert.pem         the development user's certificate (PEM)                                 0644
 * user/userkey.pem          the development user's private key (PEM, PKCS#8, unencrypted)            0600
 * plugin-signer/signercert.pem  the development plugin signer's certificate (codeSigning)            0644
 * plugin-signer/signerkey.pem   its private key; signs the project's own bundles                     0600
 * </pre>
 * Beside {@code pki/}: {@code $VBS_HOME/certificates}, the CA directory in the grid's OpenSSL layout
 * ({@code <hash>.0} per CA certificate of cacert.pem, {@code <hash>.r0} the development CA's CRL), and
 * {@code $VBS_HOME/plugin-trust/*.pem}, the certificates the plugin host
 * trusts to sign bundles ({@link org.vbs.security.plugin}); a newly issued development signer
 * puts its certificate there as {@code vbs-development-plugin-signer.pem}.
 * Directories made by the tool are 0700.
 *
 * <h2>The development PKI</h2>
 * {@code java -cp "security/target/vbs-security-<version>.jar:security/target/lib/*"
 * org.vbs.security.pki.DevPkiMain $VBS_HOME} (lib/ holds bcprov, bcpkix and bcutil) makes
 * whatever is missing ({@link org.vbs.security.pki.DevPkiSetup}), never overwriting a file:
 * <ul>
 * <li>a CA "CN=VBS Development CA,OU=vbs,O=Grid" (RSA 3072, SHA256withRSA, CA:true, keyCertSign +
 * cRLSign, 10 years);</li>
 * <li>a server credential "CN=localhost,OU=vbs,O=Grid" (or the {@code --server-host} given; the run
 * command gives the host of its public URL), subject alternative names that host, DNS localhost and
 * IP 127.0.0.1 (so HTTPS clients can check the host), serverAuth + clientAuth, 2 years;</li>
 * <li>a user credential "CN=VBS Development User,OU=vbs,O=Grid" (grid form
 * "/O=Grid/OU=vbs/CN=VBS Development User", the user's identity), clientAuth, 2 years;</li>
 * <li>server.p12 and crypto.properties from those, and the CA directory (an empty CRL, valid 365
 * days, for the development CA);</li>
 * <li>a plugin signer "CN=VBS Development Plugin Signer,OU=vbs,O=Grid", codeSigning, 2 years.</li>
 * </ul>
 * Leaf keys are RSA 2048; serial numbers are random 128-bit numbers.
 *
 * <h2>Operators' own CA and credentials</h2>
 * Put the CA certificate(s) in {@code ca/cacert.pem} and the server's PEM credential in
 * {@code server/} (and, if wanted, a user credential in {@code user/}) before the first run; the
 * tool keeps them and makes only the PKCS#12 key store, crypto.properties and the CA directory's
 * certificate files. A production server points {@code org.vbs.crypto.grid.certificates} in
 * crypto.properties at the site's {@code /etc/grid-security/certificates} instead. The CA key is needed
 * only if a credential has to be issued; without it the tool refuses, naming the file to supply.
 * An existing crypto.properties is kept: a missing store is made again with the passwords it
 * names. A store without crypto.properties is refused (its password would be unknown). Expired
 * certificates are not replaced: remove the certificate and key files to have new ones issued.
 */
package org.vbs.security.pki;
