package org.vbs.plugins.volume.file;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleException;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.launch.Framework;
import org.vbs.plugins.spi.DriverConfig;
import org.vbs.plugins.spi.DriverException;
import org.vbs.plugins.spi.DriverFactory;
import org.vbs.plugins.spi.volume.Capability;
import org.vbs.plugins.spi.volume.VolumeDriver;
import org.vbs.plugins.spi.volume.VolumeSpec;
import org.vbs.plugins.testkit.tools.PluginFramework;

/**
 * The packaged bundle in a real Felix framework set up as the plugin host does (the SPI packages
 * exported by the system bundle): its manifest resolves, its activator registers the driver factory,
 * whose drivers work on the configured pool and whose templates load from inside the bundle; without
 * a pool the factory refuses, naming the property and the host, and makes nothing.
 */
class FileVolumeDriverBundleIT {
    @TempDir
    Path work;

    private Framework framework;

    @AfterEach
    void stopFramework() throws Exception {
        if (framework != null) {
            framework.stop();
            framework.waitForStop(30_000);
        }
    }

    @Test
    void shouldRegisterTheFileDriverFactoryThatMakesDriversAndUnregisterItOnStop() throws Exception {
        Path pool = work.resolve("pool");
        BundleContext host = startFramework();
        Bundle bundle = host.installBundle(bundleJar().toUri().toString());

        bundle.start();

        assertEquals(Bundle.ACTIVE, bundle.getState());
        DriverFactory<?> factory = fileFactory(host);
        assertEquals(VolumeDriver.class, factory.kind());
        VolumeDriver driver = (VolumeDriver) factory.create(
                new DriverConfig("local", Map.of(FileVolumeDriverFactory.POOL, pool.toString()), Map.of()),
                LocalPool.SHELL);
        assertTrue(driver.capabilities().contains(Capability.THIN_PROVISIONING));
        driver.createVolume(new VolumeSpec("vol-0123456789abcdef0", 1L << 20));
        assertTrue(Files.isRegularFile(pool.resolve("volumes/vol-0123456789abcdef0.img")));

        bundle.stop();

        assertEquals(null, host.getServiceReferences(DriverFactory.class.getName(), null));
    }

    @Test
    void shouldRefuseToMakeADriverWithoutAPoolAndMakeNothing() throws Exception {
        BundleContext host = startFramework();
        Bundle bundle = host.installBundle(bundleJar().toUri().toString());
        bundle.start();
        DriverFactory<?> factory = fileFactory(host);

        DriverException e = assertThrows(DriverException.class,
                () -> factory.create(new DriverConfig("vs1", Map.of(), Map.of()), LocalPool.SHELL));

        assertEquals(DriverException.Code.CONFIGURATION, e.code());
        assertTrue(e.getMessage().contains("'" + FileVolumeDriverFactory.POOL + "'") && e.getMessage().contains("vs1"),
                e.getMessage());
        assertEquals(List.of("felix-cache"), listWork());
    }

    private static DriverFactory<?> fileFactory(BundleContext host) throws Exception {
        ServiceReference<?>[] references = host.getServiceReferences(DriverFactory.class.getName(), "(&("
                + DriverFactory.ID_PROPERTY + "=file)(" + DriverFactory.KIND_PROPERTY + "=VolumeDriver))");
        assertEquals(1, references == null ? 0 : references.length);
        return (DriverFactory<?>) host.getService(references[0]);
    }

    private List<String> listWork() throws Exception {
        try (var names = Files.list(work)) {
            return names.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    private BundleContext startFramework() throws BundleException {
        framework = PluginFramework.start(work);
        return framework.getBundleContext();
    }

    private static Path bundleJar() {
        Path jar = Path.of(System.getProperty("vbs.test.bundle", "target/vbs-volume-file.jar"));
        assertTrue(Files.isRegularFile(jar), "the packaged bundle (run through failsafe after package): " + jar);
        return jar;
    }

    private static String messages(Throwable e) {
        StringBuilder all = new StringBuilder();
        for (Throwable t = e; t != null; t = t.getCause()) {
            all.append(t.getMessage()).append(" / ");
        }
        return all.toString();
    }
}
