package org.vbs.it.support;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.List;
import java.util.Map;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import org.vbs.security.pki.DevPki;
import org.vbs.security.pki.DevPkiSetup;
import org.vbs.security.pki.PkiLayout;
import org.vbs.security.pki.TlsClientCas;

/**
 * VBS_HOME directories for test servers, laid out as COMMON.md says: pki/ (made by the project's own
 * DevPkiSetup, with the development plugin signer trusted in plugin-trust/), pool/, plugins/ (every
 * bundle signed, as the plugin host installs only signed ones), the administrators file, and
 * hosts/local.properties registering this machine as the volume server with the file driver on pool/.
 */
public final class VbsHomes {
    /** A bundle whose only import no one exports: it installs but can never resolve. */
    public static final String UNRESOLVABLE_BUNDLE_FILE = "vbs-it-unresolvable.jar";
    public static final String UNRESOLVABLE_SYMBOLIC_NAME = "org.vbs.it.unresolvable";
    public static final String UNRESOLVABLE_IMPORT = "org.vbs.it.nobody.exports.this";
    /** The administrators file: one DN per line. */
    public static final String ADMINS_FILE = "admins";

    private VbsHomes() {
    }

    public static Path pool(Path vbsHome) {
        return vbsHome.resolve("pool");
    }

    public static Path plugins(Path vbsHome) {
        return vbsHome.resolve("plugins");
    }

    /**
     * Makes a VBS_HOME: the development PKI (CA, server and user credentials, server key and trust
     * stores, the HTTPS listener's client-CA trust store, the plugin signer trusted in plugin-trust/), an empty pool, the plugin directory with
     * the bundles signed by that signer, the development user as the only administrator, and the
     * local host as the volume server.
     */
    public static void make(Path vbsHome, List<Path> bundles) throws IOException {
        DevPkiSetup.ensure(PkiLayout.under(vbsHome), DevPki.DEFAULT_SERVER_HOST);
        // The HTTPS listener's client-CA trust store, as the run command writes it at every start.
        TlsClientCas.write(PkiLayout.under(vbsHome), skipped -> {
            throw new IllegalStateException("the development CA directory holds a file that is no CA: " + skipped);
        });
        Files.createDirectories(pool(vbsHome));
        Path plugins = Files.createDirectories(plugins(vbsHome));
        for (Path bundle : bundles) {
            TestBundles.sign(vbsHome, bundle, plugins.resolve(bundle.getFileName()));
        }
        Files.writeString(vbsHome.resolve(ADMINS_FILE), DevPki.USER_DN + "\n", StandardCharsets.UTF_8);
        Path hosts = Files.createDirectories(vbsHome.resolve("hosts"));
        Files.writeString(hosts.resolve("local.properties"), "transport=local\nvolume.driver=file\nvolume.pool="
                + pool(vbsHome).toAbsolutePath() + "\n", StandardCharsets.UTF_8);
    }

    /**
     * Writes the operator's own hosts files {@code <name>.properties} (no "Written by bin/vbs-server"
     * line: the run script keeps them), replacing any of the same name.
     */
    public static void writeHostFiles(Path vbsHome, Map<String, String> contentByName) throws IOException {
        Path hosts = Files.createDirectories(vbsHome.resolve("hosts"));
        for (Map.Entry<String, String> file : contentByName.entrySet()) {
            Files.writeString(hosts.resolve(file.getKey() + ".properties"), file.getValue(), StandardCharsets.UTF_8);
        }
    }

    /** Puts a (signed) bundle that installs but cannot resolve into the plugin directory. */
    public static void addUnresolvableBundle(Path vbsHome) throws IOException {
        Manifest manifest = new Manifest();
        Attributes main = manifest.getMainAttributes();
        main.put(Attributes.Name.MANIFEST_VERSION, "1.0");
        main.putValue("Bundle-ManifestVersion", "2");
        main.putValue("Bundle-SymbolicName", UNRESOLVABLE_SYMBOLIC_NAME);
        main.putValue("Bundle-Version", "1.0.0");
        main.putValue("Bundle-Name", "VBS integration tests: a bundle that cannot resolve");
        main.putValue("Import-Package", UNRESOLVABLE_IMPORT);
        Path jar = Files.createTempFile(vbsHome, "unresolvable", ".jar");
        try (OutputStream out = Files.newOutputStream(jar); JarOutputStream content = new JarOutputStream(out, manifest)) {
            // One entry for the signature to cover: a jar of nothing but its manifest has nothing signed.
            content.putNextEntry(new JarEntry("README.txt"));
            content.write("This bundle imports a package no one exports.\n".getBytes(StandardCharsets.UTF_8));
            content.closeEntry();
        }
        try {
            TestBundles.sign(vbsHome, jar, plugins(vbsHome).resolve(UNRESOLVABLE_BUNDLE_FILE));
        } finally {
            Files.delete(jar);
        }
    }

    /**
     * Gives a second node's (new) VBS_HOME the trust and keys of the first node's, as the README tells
     * an operator to: pki/ (the CA, the credentials and the sealing keys the replicated metadata's
     * secrets are sealed with), certificates/, plugin-trust/ and the administrators file. Copies keep
     * their permissions (keys stay readable by their owner only).
     */
    public static void shareTrust(Path firstHome, Path secondHome) throws IOException {
        for (String shared : List.of("pki", PkiLayout.CA_DIRECTORY, PkiLayout.PLUGIN_TRUST_DIRECTORY, ADMINS_FILE)) {
            Path from = firstHome.resolve(shared);
            Path to = secondHome.resolve(shared);
            Files.walkFileTree(from, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
                    Files.copy(dir, to.resolve(from.relativize(dir).toString()), StandardCopyOption.COPY_ATTRIBUTES);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    Files.copy(file, to.resolve(from.relativize(file).toString()), StandardCopyOption.COPY_ATTRIBUTES);
                    return FileVisitResult.CONTINUE;
                }
            });
        }
    }

    /** Deletes a directory tree if it exists (test scratch only). */
    public static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.delete(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path dir, IOException failure) throws IOException {
                if (failure != null && !(failure instanceof NoSuchFileException)) {
                    throw failure;
                }
                Files.delete(dir);
                return FileVisitResult.CONTINUE;
            }
        });
    }
}
