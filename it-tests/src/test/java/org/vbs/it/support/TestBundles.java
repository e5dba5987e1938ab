package org.vbs.it.support;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import org.vbs.it.plugin.ProbeDriverActivator;
import org.vbs.security.Credential;
import org.vbs.security.pki.PkiLayout;
import org.vbs.security.plugin.PluginJarSigner;

/**
 * Bundle jars for the plugin tests, signed as the project signs its own: with the development
 * plugin signer of the VBS home (whose certificate DevPkiSetup put into its plugin trust store).
 */
public final class TestBundles {
    public static final String PROBE_SYMBOLIC_NAME = "org.vbs.it.probe";

    private TestBundles() {
    }

    /** The development plugin signer of a VBS home. */
    public static Credential signer(Path vbsHome) {
        PkiLayout layout = PkiLayout.under(vbsHome);
        return Credential.load(layout.pluginSignerCert(), layout.pluginSignerKey());
    }

    /** Signs the jar with the VBS home's development plugin signer into {@code signed}. */
    public static void sign(Path vbsHome, Path jar, Path signed) throws IOException {
        PluginJarSigner.sign(signer(vbsHome), jar, signed);
    }

    /**
     * An unsigned bundle of this version holding {@link ProbeDriverActivator}, written into the
     * directory (not a plugin directory).
     */
    public static Path probe(Path directory, String version) throws IOException {
        Manifest manifest = new Manifest();
        Attributes main = manifest.getMainAttributes();
        main.put(Attributes.Name.MANIFEST_VERSION, "1.0");
        main.putValue("Bundle-ManifestVersion", "2");
        main.putValue("Bundle-SymbolicName", PROBE_SYMBOLIC_NAME);
        main.putValue("Bundle-Version", version);
        main.putValue("Bundle-Name", "VBS integration tests: a bundle providing a probe volume driver");
        main.putValue("Bundle-Activator", ProbeDriverActivator.class.getName());
        main.putValue("Import-Package", "org.osgi.framework, org.vbs.plugins.spi;version=\"[2.0,3)\","
                + " org.vbs.plugins.spi.volume;version=\"[2.0,3)\"");
        Path jar = Files.createDirectories(directory).resolve("probe-" + version + ".jar");
        Path classes;
        try {
            classes = Path.of(ProbeDriverActivator.class.getResource("ProbeDriverActivator.class").toURI()).getParent();
        } catch (URISyntaxException e) {
            throw new IllegalStateException("the test classes are not in a directory", e);
        }
        String packagePath = ProbeDriverActivator.class.getPackageName().replace('.', '/') + "/";
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar), manifest);
             DirectoryStream<Path> classFiles = Files.newDirectoryStream(classes, "ProbeDriverActivator*.class")) {
            for (Path classFile : classFiles) {
                out.putNextEntry(new JarEntry(packagePath + classFile.getFileName()));
                out.write(Files.readAllBytes(classFile));
                out.closeEntry();
            }
        }
        return jar;
    }

    /** Puts a jar into a plugin directory as operators are told to: written beside it, then renamed over the name. */
    public static void dropInto(Path pluginDir, Path jar, String name) throws IOException {
        Path part = pluginDir.resolve("." + name + ".part");
        Files.copy(jar, part, StandardCopyOption.REPLACE_EXISTING);
        Files.move(part, pluginDir.resolve(name), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
