package org.vbs.core.plugin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.vbs.core.testing.Faults.assertFault;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vbs.core.api.ErrorCode;
import org.vbs.core.api.PluginStatus;
import org.vbs.core.api.VbsException;
import org.vbs.core.host.DriverKind;
import org.vbs.core.host.DriverRegistration;
import org.vbs.core.host.HostRegistration;
import org.vbs.core.host.Hosts;
import org.vbs.core.plugin.testbundle.MemoryDriverActivator;
import org.vbs.plugins.spi.DriverException;
import org.vbs.plugins.spi.volume.VolumeDriver;
import org.vbs.security.Credential;
import org.vbs.security.Pem;
import org.vbs.security.pki.DevPki;
import org.vbs.security.plugin.PluginJarSigner;

/** A real Felix, real bundle jars written and signed (JDK jar signer) by the test, real signature checks. */
class PluginHostTest {
    private static final String ACTIVATOR = MemoryDriverActivator.class.getName();
    private static final Duration POLL = Duration.ofMillis(50);
    /** Far longer than a look at the directory and a bundle install take; only a broken host waits this long. */
    private static final Duration PATIENCE = Duration.ofSeconds(30);
    private static final List<PluginStatus.Driver> MEMORY_DRIVER = List.of(new PluginStatus.Driver("volume", "memory"));

    private static Credential signer;
    private static Credential stranger;

    @TempDir
    Path dir;

    @BeforeAll
    static void signers() {
        signer = DevPki.newCa(DevPki.CA_DN).issuePluginSigner(DevPki.PLUGIN_SIGNER_DN);
        stranger = DevPki.newCa("CN=Stranger CA,O=Example").issuePluginSigner("CN=Stranger,O=Example");
    }

    @BeforeEach
    void trustStore() throws IOException {
        Path trust = Files.createDirectories(dir.resolve("plugin-trust"));
        Files.write(trust.resolve("signer.pem"), Pem.encodeCertificates(List.of(signer.certificate())));
    }

    private PluginHostConfig config() {
        return new PluginHostConfig(dir.resolve("felix"), dir.resolve("plugins"), dir.resolve("plugin-trust"), POLL);
    }

    /** The drivers of one registered host "vs1" whose volume driver is {@code driverId} with size 42. */
    private Hosts hosts(PluginHost host, String driverId) {
        HostRegistration vs1 = new HostRegistration("vs1", HostRegistration.Transport.LOCAL, "127.0.0.1",
                Optional.empty(), Map.of(DriverKind.VOLUME, new DriverRegistration(driverId, Map.of("size", "42"))));
        return new PluginDrivers(() -> List.of(vs1), name -> new VbsException(ErrorCode.SERVICE_UNAVAILABLE,
                "No host named '" + name + "' is registered."), host, dir.resolve("templates"));
    }

    private Path plugins() throws IOException {
        return Files.createDirectories(dir.resolve("plugins"));
    }

    /** An unsigned bundle holding the memory driver's classes, with these extra imports, outside the plugin directory. */
    private Path unsignedMemoryBundle(String symbolicName, String version, String extraImports) throws Exception {
        Manifest manifest = new Manifest();
        Attributes main = manifest.getMainAttributes();
        main.put(Attributes.Name.MANIFEST_VERSION, "1.0");
        main.putValue("Bundle-ManifestVersion", "2");
        main.putValue("Bundle-SymbolicName", symbolicName);
        main.putValue("Bundle-Version", version);
        main.putValue("Bundle-Activator", ACTIVATOR);
        main.putValue("Import-Package", "org.osgi.framework, org.vbs.plugins.spi;version=\"[2.0,3)\", org.vbs.plugins.spi.volume;version=\"[2.0,3)\"" + extraImports);
        Path jar = Files.createTempFile(Files.createDirectories(dir.resolve("build")), symbolicName, ".jar");
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

    /** Signs the bundle into the plugin directory as {@code file}, renamed into place as operators do. */
    private Path signedInto(String file, Path bundle, Credential by) throws IOException {
        Path jar = plugins().resolve(file);
        PluginJarSigner.sign(by, bundle, jar);
        return jar;
    }

    private Path memoryBundle(String file, String symbolicName, String extraImports) throws Exception {
        return signedInto(file, unsignedMemoryBundle(symbolicName, "1.2.3", extraImports), signer);
    }

    private static PluginStatus.Bundle only(List<PluginStatus.Bundle> bundles, String file) {
        return bundles.stream().filter(b -> b.file().equals(file)).findFirst().orElseThrow();
    }

    /** Polls the status until it satisfies the condition; fails with the last status after {@link #PATIENCE}. */
    private static List<PluginStatus.Bundle> awaitStatus(PluginHost host, Predicate<List<PluginStatus.Bundle>> condition)
            throws InterruptedException {
        long deadline = System.nanoTime() + PATIENCE.toNanos();
        List<PluginStatus.Bundle> status = host.bundles();
        while (!condition.test(status)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the plugin status did not become as expected within " + PATIENCE + ": " + status);
            }
            Thread.sleep(POLL.toMillis());
            status = host.bundles();
        }
        return status;
    }

    private static Predicate<List<PluginStatus.Bundle>> has(String file, Predicate<PluginStatus.Bundle> condition) {
        return status -> status.stream().anyMatch(b -> b.file().equals(file) && condition.test(b));
    }

    private void assertNothingStaged() throws IOException {
        Path staging = dir.resolve("felix-staging");
        if (Files.exists(staging)) {
            try (Stream<Path> left = Files.list(staging)) {
                assertEquals(List.of(), left.toList(), "verified copies left behind");
            }
        }
    }

    @Test
    void shouldStartThePluginDirectorysBundlesAndMakeAHostsDriverFromItsFactory() throws Exception {
        memoryBundle("memory.jar", "test.memory", "");
        try (PluginHost host = PluginHost.start(config())) {
            assertEquals(42, hosts(host, "memory").volumeDriver("vs1").capacity().totalBytes());
            assertEquals(List.of(new PluginStatus.Bundle("memory.jar", Optional.of("test.memory"),
                    Optional.of("1.2.3"), "ACTIVE", Optional.empty(), MEMORY_DRIVER)), host.bundles());
        }
        assertNothingStaged();
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
            assertEquals(PluginHost.REFUSED, garbage.state());
            assertEquals(Optional.empty(), garbage.symbolicName());
            assertTrue(garbage.problem().orElseThrow().startsWith("refused, not installed: is not a readable jar"),
                    garbage.toString());

            PluginStatus.Bundle unresolved = only(bundles, "unresolved.jar");
            assertEquals("INSTALLED", unresolved.state());
            assertEquals(Optional.of("test.unresolved"), unresolved.symbolicName());
            assertTrue(unresolved.problem().orElseThrow().contains("com.example.missing"), unresolved.toString());
            assertEquals(List.of(), unresolved.drivers());

            assertEquals(Optional.empty(), only(bundles, "memory.jar").problem());
            assertEquals(42, hosts(host, "memory").volumeDriver("vs1").capacity().totalBytes());
        }
    }

    @Test
    void shouldReportTheFrameworksRefusalOfASignedJar() throws Exception {
        // A package imported twice: the framework refuses the manifest.
        memoryBundle("twice.jar", "test.twice", ", org.osgi.framework");
        try (PluginHost host = PluginHost.start(config())) {
            PluginStatus.Bundle twice = only(host.bundles(), "twice.jar");
            assertEquals(PluginHost.NOT_INSTALLED, twice.state());
            assertTrue(twice.problem().orElseThrow().startsWith("could not be installed"), twice.toString());
            assertTrue(twice.problem().orElseThrow().contains("org.osgi.framework"), twice.toString());
        }
        assertNothingStaged();
    }

    @Test
    void shouldReportADriverThatTwoBundlesProvideAsAProblemOfBoth() throws Exception {
        memoryBundle("memory.jar", "test.memory", "");
        // A new version copied in beside the old one instead of over it.
        signedInto("memory-2.jar", unsignedMemoryBundle("test.memory.two", "2.0.0", ""), signer);
        try (PluginHost host = PluginHost.start(config())) {
            List<PluginStatus.Bundle> bundles = host.bundles();
            assertEquals(Optional.of("driver volume/memory is also provided by [memory.jar] (hosts get either one;"
                    + " remove one)"), only(bundles, "memory-2.jar").problem());
            assertEquals(Optional.of("driver volume/memory is also provided by [memory-2.jar] (hosts get either one;"
                    + " remove one)"), only(bundles, "memory.jar").problem());
            assertEquals("ACTIVE", only(bundles, "memory.jar").state());

            Files.delete(plugins().resolve("memory-2.jar"));
            awaitStatus(host, status -> status.size() == 1 && status.get(0).problem().isEmpty());
        }
    }

    @Test
    void shouldRefuseEveryJarWhileTheTrustStoreCannotBeRead() throws Exception {
        Files.writeString(dir.resolve("plugin-trust").resolve("garbled.pem"), "-----BEGIN CERTIFICATE-----\nnonsense\n");
        memoryBundle("memory.jar", "test.memory", "");
        try (PluginHost host = PluginHost.start(config())) {
            PluginStatus.Bundle memory = only(host.bundles(), "memory.jar");
            assertEquals(PluginHost.REFUSED, memory.state());
            assertTrue(memory.problem().orElseThrow().startsWith(
                    "refused, not installed: the plugin trust store cannot be read: "), memory.toString());
            assertTrue(memory.problem().orElseThrow().contains("garbled.pem"), memory.toString());
        }
        assertNothingStaged();
    }

    @Test
    void shouldRefuseAJarTakenHalfWrittenAndInstallItOnceWhole() throws Exception {
        Path whole = dir.resolve("build").resolve("whole.jar");
        Files.createDirectories(whole.getParent());
        PluginJarSigner.sign(signer, unsignedMemoryBundle("test.memory", "1.2.3", ""), whole);
        byte[] content = Files.readAllBytes(whole);
        try (PluginHost host = PluginHost.start(config())) {
            // A writer that stalls in the middle, longer than two looks.
            Path jar = plugins().resolve("memory.jar");
            Files.write(jar, Arrays.copyOf(content, content.length / 2));
            List<PluginStatus.Bundle> status = awaitStatus(host, has("memory.jar", b -> b.problem().isPresent()));
            PluginStatus.Bundle half = only(status, "memory.jar");
            assertEquals(PluginHost.REFUSED, half.state());
            assertTrue(half.problem().orElseThrow().startsWith("refused, not installed: is not a readable jar"),
                    half.toString());

            Files.write(jar, Arrays.copyOfRange(content, content.length / 2, content.length),
                    StandardOpenOption.APPEND);

            awaitStatus(host, has("memory.jar", b -> b.state().equals("ACTIVE") && b.problem().isEmpty()));
            assertEquals(42, hosts(host, "memory").volumeDriver("vs1").capacity().totalBytes());
        }
        assertNothingStaged();
    }

    @Test
    void shouldRefuseUnsignedAndUntrustedJarsAndNeverInstallThem() throws Exception {
        Files.copy(unsignedMemoryBundle("test.unsigned", "1.0.0", ""), plugins().resolve("unsigned.jar"));
        signedInto("stranger.jar", unsignedMemoryBundle("test.stranger", "1.0.0", ""), stranger);

        try (PluginHost host = PluginHost.start(config())) {
            List<PluginStatus.Bundle> bundles = host.bundles();

            assertEquals(new PluginStatus.Bundle("unsigned.jar", Optional.empty(), Optional.empty(), PluginHost.REFUSED,
                    Optional.of("refused, not installed: is not signed"), List.of()), only(bundles, "unsigned.jar"));
            PluginStatus.Bundle untrusted = only(bundles, "stranger.jar");
            assertEquals(PluginHost.REFUSED, untrusted.state());
            assertTrue(untrusted.problem().orElseThrow().startsWith(
                    "refused, not installed: its signer CN=Stranger, O=Example is not trusted"), untrusted.toString());
            // Both bundles would provide the memory driver: it is not there.
            assertFault(ErrorCode.SERVICE_UNAVAILABLE, () -> hosts(host, "memory").volumeDriver("vs1"), "'memory'");
        }
        assertNothingStaged();
    }

    @Test
    void shouldInstallAJarAddedWhileRunningAndUninstallItWhenDeleted() throws Exception {
        try (PluginHost host = PluginHost.start(config())) {
            assertEquals(List.of(), host.bundles());
            Hosts hosts = hosts(host, "memory");
            assertFault(ErrorCode.SERVICE_UNAVAILABLE, () -> hosts.volumeDriver("vs1"), "'memory'");

            Path jar = memoryBundle("memory.jar", "test.memory", "");
            awaitStatus(host, has("memory.jar", b -> b.state().equals("ACTIVE") && b.drivers().equals(MEMORY_DRIVER)));
            VolumeDriver made = hosts.volumeDriver("vs1");
            assertEquals(42, made.capacity().totalBytes());

            Files.delete(jar);
            awaitStatus(host, List::isEmpty);
            // Its factory went away with it: the driver made from it is not handed out any more, and is closed.
            assertFault(ErrorCode.SERVICE_UNAVAILABLE, () -> hosts.volumeDriver("vs1"), "'memory'");
            assertThrows(DriverException.class, made::capacity, "the removed bundle's driver was not closed");
        }
        assertNothingStaged();
    }

    @Test
    void shouldUpdateTheBundleFromAReplacedJarAndMakeItsDriversAnew() throws Exception {
        memoryBundle("memory.jar", "test.memory", "");
        try (PluginHost host = PluginHost.start(config())) {
            Hosts hosts = hosts(host, "memory");
            VolumeDriver before = hosts.volumeDriver("vs1");
            assertSame(before, hosts.volumeDriver("vs1"));

            signedInto("memory.jar", unsignedMemoryBundle("test.memory", "2.0.0", ""), signer);
            awaitStatus(host, has("memory.jar", b -> b.version().equals(Optional.of("2.0.0"))));

            assertEquals(List.of(new PluginStatus.Bundle("memory.jar", Optional.of("test.memory"), Optional.of("2.0.0"),
                    "ACTIVE", Optional.empty(), MEMORY_DRIVER)), host.bundles());
            VolumeDriver after = hosts.volumeDriver("vs1");
            assertNotSame(before, after, "a driver of the old version was handed out after the update");
            assertEquals(42, after.capacity().totalBytes());
            assertThrows(DriverException.class, before::capacity, "the old version's driver was not closed");
        }
    }

    @Test
    void shouldKeepTheRunningVersionWhenItsReplacementIsRefused() throws Exception {
        memoryBundle("memory.jar", "test.memory", "");
        try (PluginHost host = PluginHost.start(config())) {
            Path unsigned = unsignedMemoryBundle("test.memory", "2.0.0", "");
            Path part = plugins().resolve(".memory.jar.part");
            Files.copy(unsigned, part);
            Files.move(part, plugins().resolve("memory.jar"), StandardCopyOption.REPLACE_EXISTING,
                    StandardCopyOption.ATOMIC_MOVE);

            List<PluginStatus.Bundle> status = awaitStatus(host, has("memory.jar", b -> b.problem().isPresent()));

            PluginStatus.Bundle memory = only(status, "memory.jar");
            assertEquals("its replacement was refused, not installed: is not signed; version 1.2.3 runs on",
                    memory.problem().orElseThrow());
            assertEquals(Optional.of("1.2.3"), memory.version());
            assertEquals("ACTIVE", memory.state());
            assertEquals(MEMORY_DRIVER, memory.drivers());
            assertEquals(42, hosts(host, "memory").volumeDriver("vs1").capacity().totalBytes());

            // A signed replacement then is taken, and the problem is gone.
            signedInto("memory.jar", unsignedMemoryBundle("test.memory", "2.0.0", ""), signer);
            awaitStatus(host, has("memory.jar", b -> b.version().equals(Optional.of("2.0.0")) && b.problem().isEmpty()));
        }
        assertNothingStaged();
    }

    @Test
    void shouldInstallARefusedJarOnceItIsReplacedBySignedContent() throws Exception {
        Files.copy(unsignedMemoryBundle("test.memory", "1.2.3", ""), plugins().resolve("memory.jar"));
        try (PluginHost host = PluginHost.start(config())) {
            assertEquals(PluginHost.REFUSED, only(host.bundles(), "memory.jar").state());

            memoryBundle("memory.jar", "test.memory", "");

            awaitStatus(host, has("memory.jar", b -> b.state().equals("ACTIVE") && b.problem().isEmpty()));
            assertEquals(42, hosts(host, "memory").volumeDriver("vs1").capacity().totalBytes());
        }
    }

    @Test
    void shouldMakeTheDriverAnewWhenItsHostIsRegisteredAnewWithOtherSettings() throws Exception {
        memoryBundle("memory.jar", "test.memory", "");
        AtomicReference<String> size = new AtomicReference<>("42");
        try (PluginHost host = PluginHost.start(config())) {
            awaitStatus(host, has("memory.jar", b -> b.state().equals("ACTIVE") && b.problem().isEmpty()));
            Hosts hosts = new PluginDrivers(() -> List.of(new HostRegistration("vs1", HostRegistration.Transport.LOCAL,
                    "127.0.0.1", Optional.empty(), Map.of(DriverKind.VOLUME, new DriverRegistration("memory",
                            Map.of("size", size.get()))))), name -> new VbsException(ErrorCode.SERVICE_UNAVAILABLE,
                    name), host, dir.resolve("templates"));
            assertEquals(42, hosts.volumeDriver("vs1").capacity().totalBytes());

            // deregistered and registered again (maybe through another node) with another size
            size.set("43");

            assertEquals(43, hosts.volumeDriver("vs1").capacity().totalBytes());
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
    void shouldStartWithoutPluginsWhenTheDirectoryIsMissingAndFollowItOnceMade() throws Exception {
        try (PluginHost host = PluginHost.start(config())) {
            assertEquals(List.of(), host.bundles());
            assertFault(ErrorCode.SERVICE_UNAVAILABLE, () -> hosts(host, "file").volumeDriver("vs1"), "'file'");

            memoryBundle("memory.jar", "test.memory", "");
            awaitStatus(host, has("memory.jar", b -> b.state().equals("ACTIVE")));
        }
    }

    @Test
    void shouldRefuseDriverIdsThatWouldBreakTheServiceFilter() {
        for (String id : new String[] {"", "file)(x=*", "a b", "x".repeat(65), "File"}) {
            assertThrows(IllegalArgumentException.class, () -> new DriverRegistration(id, Map.of()), id);
        }
    }
}
