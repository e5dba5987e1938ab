package org.vbs.core.plugin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.vbs.core.testing.Faults.assertFault;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vbs.core.api.ErrorCode;
import org.vbs.core.api.PluginStatus;
import org.vbs.core.host.DriverKind;
import org.vbs.core.host.DriverRegistration;
import org.vbs.core.host.HostRegistration;
import org.vbs.core.host.Hosts;
import org.vbs.core.plugin.testbundle.MemoryDriverActivator;

/** A real Felix, real bundle jars written by the test. */
class PluginHostTest {
    private static final String ACTIVATOR = MemoryDriverActivator.class.getName();

    @TempDir
    Path dir;

    private PluginHostConfig config() {
        return new PluginHostConfig(dir.resolve("felix"), dir.resolve("plugins"));
    }

    /** The drivers of one registered host "vs1" whose volume driver is {@code driverId} with size 42. */
    private Hosts hosts(PluginHost host, String driverId) {
        HostRegistration vs1 = new HostRegistration("vs1", HostRegistration.Transport.LOCAL, "127.0.0.1",
                Optional.empty(), Map.of(DriverKind.VOLUME, new DriverRegistration(driverId, Map.of("size", "42"))));
        return new PluginDrivers(() -> List.of(vs1), host, dir.resolve("templates"));
    }

    private Path plugins() throws IOException {
        return Files.createDirectories(dir.resolve("plugins"));
    }

    /** A bundle holding the memory driver's classes, with these extra imports. */
    private Path memoryBundle(String file, String symbolicName, String extraImports) throws Exception {
        Manifest manifest = new Manifest();
        Attributes main = manifest.getMainAttributes();
        main.put(Attributes.Name.MANIFEST_VERSION, "1.0");
        main.putValue("Bundle-ManifestVersion", "2");
        main.putValue("Bundle-SymbolicName", symbolicName);
        main.putValue("Bundle-Version", "1.2.3");
        main.putValue("Bundle-Activator", ACTIVATOR);
        main.putValue("Import-Package", "org.osgi.framework, org.vbs.plugins.spi;version=\"[2.0,3)\", org.vbs.plugins.spi.volume;version=\"[2.0,3)\"" + extraImports);
        Path jar = plugins().resolve(file);
        Path classes = Path.of(MemoryDriverActivator.class.getResource("MemoryDriverActivator.class").toURI())
                .getParent();
        String packagePath = MemoryDriverActivator.class.getPackageName().replace('.', '/') + "/";
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar), manifest);
             DirectoryStream<Path> classFiles = Files.newDirectoryStream(classes, "MemoryDriverActivator*.class")) {
            for (Path classFile : classFiles) {
                out.putNextEntry(new JarEntry(packagePath + classFile.getFileName()));
                out.write(Files.readAllBytes(classFile));
                out.closeEntry();
            }
        }
        return jar;
    }

    private static PluginStatus.Bundle only(List<PluginStatus.Bundle> bundles, String file) {
        return bundles.stream().filter(b -> b.file().equals(file)).findFirst().orElseThrow();
    }

    @Test
    void shouldStartThePluginDirectorysBundlesAndMakeAHostsDriverFromItsFactory() throws Exception {
        memoryBundle("memory.jar", "test.memory", "");
        try (PluginHost host = PluginHost.start(config())) {
            assertEquals(42, hosts(host, "memory").volumeDriver("vs1").capacity().totalBytes());
            assertEquals(List.of(new PluginStatus.Bundle("memory.jar", Optional.of("test.memory"),
                    Optional.of("1.2.3"), "ACTIVE", Optional.empty())), host.bundles());
        }
    }

    @Test
    void shouldReportEveryBundleThatFailsToInstallResolveOrStart() throws Exception {
        memoryBundle("memory.jar", "test.memory", "");
        memoryBundle("unresolved.jar", "test.unresolved", ", com.example.missing");
        try (OutputStream garbage = Files.newOutputStream(plugins().resolve("garbage.jar"))) {
            garbage.write("not a jar".getBytes(StandardCharsets.US_ASCII));
        }
        Files.writeString(plugins().resolve("notes.txt"), "not a jar name: ignored");

        try (PluginHost host = PluginHost.start(config())) {
            List<PluginStatus.Bundle> bundles = host.bundles();

            assertEquals(List.of("garbage.jar", "memory.jar", "unresolved.jar"),
                    bundles.stream().map(PluginStatus.Bundle::file).toList());
            PluginStatus.Bundle garbage = only(bundles, "garbage.jar");
            assertEquals(PluginHost.NOT_INSTALLED, garbage.state());
            assertEquals(Optional.empty(), garbage.symbolicName());
            assertTrue(garbage.problem().orElseThrow().startsWith("could not be installed"), garbage.toString());

            PluginStatus.Bundle unresolved = only(bundles, "unresolved.jar");
            assertEquals("INSTALLED", unresolved.state());
            assertEquals(Optional.of("test.unresolved"), unresolved.symbolicName());
            assertTrue(unresolved.problem().orElseThrow().contains("com.example.missing"), unresolved.toString());

            assertEquals(Optional.empty(), only(bundles, "memory.jar").problem());
            assertEquals(42, hosts(host, "memory").volumeDriver("vs1").capacity().totalBytes());
        }
    }

    @Test
    void shouldAnswerServiceUnavailableNamingTheDriverThatIsMissing() throws Exception {
        memoryBundle("memory.jar", "test.memory", "");
        try (PluginHost host = PluginHost.start(config())) {
            assertFault(ErrorCode.SERVICE_UNAVAILABLE, () -> hosts(host, "file").volumeDriver("vs1"), "'file'");
            assertFault(ErrorCode.SERVICE_UNAVAILABLE, () -> hosts(host, "memory").volumeDriver("vs2"), "'vs2'");
            assertFault(ErrorCode.SERVICE_UNAVAILABLE, () -> hosts(host, "memory").exportDriver("vs1"), "export");
        }
    }

    @Test
    void shouldStartWithoutPluginsWhenTheDirectoryIsMissing() {
        try (PluginHost host = PluginHost.start(config())) {
            assertEquals(List.of(), host.bundles());
            assertFault(ErrorCode.SERVICE_UNAVAILABLE, () -> hosts(host, "file").volumeDriver("vs1"), "'file'");
        }
    }

    @Test
    void shouldRefuseDriverIdsThatWouldBreakTheServiceFilter() {
        for (String id : new String[] {"", "file)(x=*", "a b", "x".repeat(65), "File"}) {
            assertThrows(IllegalArgumentException.class, () -> new DriverRegistration(id, Map.of()), id);
        }
    }
}
