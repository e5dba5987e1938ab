package org.vbs.security.plugin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vbs.security.Credential;
import org.vbs.security.pki.DevPki;
import org.vbs.security.pki.DevPkiSetup;
import org.vbs.security.pki.PkiLayout;

/** The run command's signing step: the development signer of a real VBS home, a real jar. */
class PluginSignMainTest {
    @TempDir
    Path dir;

    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(String... args) {
        return PluginSignMain.run(args, new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    private Path bundle() throws IOException {
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        Path jar = dir.resolve("bundle.jar");
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar), manifest)) {
            out.putNextEntry(new JarEntry("org/example/A.class"));
            out.write(1);
            out.closeEntry();
        }
        return jar;
    }

    private List<Path> files(Path directory) throws IOException {
        try (Stream<Path> listing = Files.list(directory)) {
            return listing.sorted().toList();
        }
    }

    @Test
    void shouldSignWithTheDevelopmentSignerWhatThePluginTrustStoreThenAccepts() throws Exception {
        Path home = dir.resolve("home");
        DevPkiSetup.ensure(PkiLayout.under(home), DevPki.DEFAULT_SERVER_HOST);
        Path plugins = Files.createDirectories(home.resolve("plugins"));
        Path signed = plugins.resolve("bundle.jar");

        assertEquals(PluginSignMain.OK, run(home.toString(), bundle().toString(), signed.toString()),
                err.toString(StandardCharsets.UTF_8));

        Credential signer = Credential.load(PkiLayout.under(home).pluginSignerCert(),
                PkiLayout.under(home).pluginSignerKey());
        assertEquals(signer.certificate(),
                SignedJarVerifier.verify(signed, PluginTrust.read(PkiLayout.under(home).pluginTrustDir())));
        assertEquals(List.of(signed), files(plugins), "a temporary file was left beside the signed jar");
    }

    @Test
    void shouldFailNamingTheSignerFileWhenTheHomeHasNoSigner() throws Exception {
        Path signed = dir.resolve("out").resolve("bundle.jar");
        Files.createDirectories(signed.getParent());

        assertEquals(PluginSignMain.FAILED, run(dir.resolve("no-home").toString(), bundle().toString(),
                signed.toString()));

        assertTrue(err.toString(StandardCharsets.UTF_8).contains("signercert.pem"), err.toString(StandardCharsets.UTF_8));
        assertEquals(List.of(), files(signed.getParent()));
    }

    @Test
    void shouldRefuseWrongArguments() {
        assertEquals(PluginSignMain.USAGE_ERROR, run("only-one"));
        assertTrue(err.toString(StandardCharsets.UTF_8).startsWith("usage: PluginSignMain"));
    }

    @Test
    void shouldLeaveNothingBehindWhenTheInputIsNotAJar() throws Exception {
        Credential signer = DevPki.newCa(DevPki.CA_DN).issuePluginSigner(DevPki.PLUGIN_SIGNER_DN);
        Path out = Files.createDirectories(dir.resolve("out"));
        Path garbage = Files.writeString(dir.resolve("garbage.jar"), "not a jar");

        assertThrows(IOException.class, () -> PluginJarSigner.sign(signer, garbage, out.resolve("signed.jar")));

        assertEquals(List.of(), files(out));
    }
}
