package org.vbs.security.plugin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vbs.security.Credential;
import org.vbs.security.KeyStores;
import org.vbs.security.Pem;
import org.vbs.security.pki.CertificateAuthority;
import org.vbs.security.pki.DevPki;

/** Real jars, real signatures (the JDK's jar signer, and the jarsigner tool), real JDK verification. */
class SignedJarVerifierTest {
    private static CertificateAuthority operatorCa;
    private static Credential trustedSigner;
    private static Credential signerOfTrustedCa;
    private static Credential untrustedSigner;
    private static Credential userOfTrustedCa;

    @TempDir
    Path dir;

    @BeforeAll
    static void credentials() {
        operatorCa = DevPki.newCa("CN=Plugin CA,O=Example");
        CertificateAuthority otherCa = DevPki.newCa("CN=Other CA,O=Example");
        CertificateAuthority devCa = DevPki.newCa(DevPki.CA_DN);
        trustedSigner = devCa.issuePluginSigner(DevPki.PLUGIN_SIGNER_DN);
        signerOfTrustedCa = operatorCa.issuePluginSigner("CN=Operator Signer,O=Example")
                .withIssuer(operatorCa.certificate());
        untrustedSigner = otherCa.issuePluginSigner("CN=Stranger,O=Example");
        userOfTrustedCa = operatorCa.issueUser("CN=Some User,O=Example");
    }

    /** The trust store: the trusted signer directly, and the operator's CA. */
    private PluginTrust trust() throws IOException {
        Path store = Files.createDirectories(dir.resolve("plugin-trust"));
        Files.write(store.resolve("signer.pem"), Pem.encodeCertificates(List.of(trustedSigner.certificate())));
        Files.write(store.resolve("operator-ca.pem"), Pem.encodeCertificates(List.of(operatorCa.certificate())));
        Files.writeString(store.resolve("README"), "not a *.pem: ignored");
        return PluginTrust.read(store);
    }

    private Path bundle(String name) throws IOException {
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        manifest.getMainAttributes().putValue("Bundle-SymbolicName", "test.bundle");
        Path jar = dir.resolve(name);
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar), manifest)) {
            out.putNextEntry(new JarEntry("org/example/"));
            out.closeEntry();
            for (String entry : List.of("org/example/A.class", "org/example/B.class")) {
                out.putNextEntry(new JarEntry(entry));
                out.write(("content of " + entry).getBytes(StandardCharsets.UTF_8));
                out.closeEntry();
            }
        }
        return jar;
    }

    private Path signed(Credential signer, String name) throws IOException {
        Path signed = dir.resolve(name);
        PluginJarSigner.sign(signer, bundle("unsigned-" + name), signed);
        return signed;
    }

    /** A copy of the jar with one entry's content replaced, and optionally one entry added. */
    private Path rewritten(Path jar, Map<String, String> replaced, String name) throws IOException {
        Path copy = dir.resolve(name);
        try (ZipFile in = new ZipFile(jar.toFile()); ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(copy))) {
            for (ZipEntry entry : Collections.list(in.entries())) {
                out.putNextEntry(new ZipEntry(entry.getName()));
                if (replaced.containsKey(entry.getName())) {
                    out.write(replaced.get(entry.getName()).getBytes(StandardCharsets.UTF_8));
                } else {
                    try (InputStream content = in.getInputStream(entry)) {
                        content.transferTo(out);
                    }
                }
                out.closeEntry();
            }
            for (Map.Entry<String, String> added : replaced.entrySet()) {
                if (in.getEntry(added.getKey()) == null) {
                    out.putNextEntry(new ZipEntry(added.getKey()));
                    out.write(added.getValue().getBytes(StandardCharsets.UTF_8));
                    out.closeEntry();
                }
            }
        }
        return copy;
    }

    private String refusal(Path jar) throws IOException {
        PluginTrust trust = trust();
        JarRefusedException refused = assertThrows(JarRefusedException.class, () -> SignedJarVerifier.verify(jar, trust));
        assertEquals(jar, refused.jar());
        return refused.reason();
    }

    @Test
    void shouldAcceptAJarSignedByATrustedSigner() throws Exception {
        assertEquals(trustedSigner.certificate(), SignedJarVerifier.verify(signed(trustedSigner, "a.jar"), trust()));
    }

    @Test
    void shouldAcceptAJarWhoseSignerChainsToATrustedCa() throws Exception {
        assertEquals(signerOfTrustedCa.certificate(),
                SignedJarVerifier.verify(signed(signerOfTrustedCa, "a.jar"), trust()));
    }

    @Test
    void shouldRefuseAnUnsignedJar() throws Exception {
        assertEquals("is not signed", refusal(bundle("unsigned.jar")));
    }

    @Test
    void shouldRefuseAJarSignedByAnUntrustedKey() throws Exception {
        String reason = refusal(signed(untrustedSigner, "stranger.jar"));
        assertTrue(reason.startsWith("its signer CN=Stranger, O=Example is not trusted"), reason);
    }

    @Test
    void shouldRefuseAJarWhoseEntryWasChangedAfterSigning() throws Exception {
        Path tampered = rewritten(signed(trustedSigner, "a.jar"), Map.of("org/example/B.class", "evil"), "tampered.jar");
        String reason = refusal(tampered);
        assertTrue(reason.startsWith("entry org/example/B.class does not match its signature"), reason);
    }

    @Test
    void shouldRefuseAJarWithAnEntryAddedAfterSigning() throws Exception {
        Path partly = rewritten(signed(trustedSigner, "a.jar"), Map.of("org/example/Added.class", "evil"), "partly.jar");
        assertEquals("is only partly signed: 1 entry is not signed (first: org/example/Added.class)", refusal(partly));
    }

    @Test
    void shouldRefuseASignerCertificateThatIsNotForCodeSigning() throws Exception {
        String reason = refusal(signed(userOfTrustedCa.withIssuer(operatorCa.certificate()), "user.jar"));
        assertTrue(reason.contains("is not for code signing"), reason);
    }

    @Test
    void shouldRefuseWhatIsNotAJar() throws Exception {
        Path garbage = Files.writeString(dir.resolve("garbage.jar"), "not a jar");
        assertTrue(refusal(garbage).startsWith("is not a readable jar"), refusal(garbage));
    }

    @Test
    void shouldRefuseEverythingWhenTheTrustStoreIsMissing() throws Exception {
        PluginTrust nobody = PluginTrust.read(dir.resolve("no-such-dir"));
        JarRefusedException refused = assertThrows(JarRefusedException.class,
                () -> SignedJarVerifier.verify(signed(trustedSigner, "a.jar"), nobody));
        assertTrue(refused.reason().contains("holds neither its certificate nor a CA"), refused.reason());
    }

    /** What README tells operators: the JDK's jarsigner, the store password from the environment. */
    @Test
    void shouldAcceptAJarSignedWithTheJarsignerToolAsOperatorsDo() throws Exception {
        char[] password = "operator-store-secret".toCharArray();
        Path store = dir.resolve("signer.p12");
        Files.write(store, KeyStores.encode(KeyStores.withCredential(signerOfTrustedCa, "signer", password), password));
        Path jar = bundle("operator.jar");
        Path jarsigner = Path.of(System.getProperty("java.home"), "bin", "jarsigner");
        ProcessBuilder builder = new ProcessBuilder(jarsigner.toString(), "-keystore", store.toString(),
                "-storetype", "PKCS12", "-storepass:env", "VBS_TEST_STOREPASS", "-digestalg", "SHA-256",
                jar.toString(), "signer").redirectErrorStream(true);
        builder.environment().put("VBS_TEST_STOREPASS", new String(password));
        Process process = builder.start();
        ByteArrayOutputStream output = new ByteArrayOutputStream();
        try (InputStream in = process.getInputStream(); OutputStream out = output) {
            in.transferTo(out);
        }
        assertTrue(process.waitFor(60, TimeUnit.SECONDS), "jarsigner did not finish");
        assertEquals(0, process.exitValue(), output.toString(StandardCharsets.UTF_8));

        assertEquals(signerOfTrustedCa.certificate(), SignedJarVerifier.verify(jar, trust()));
    }
}
