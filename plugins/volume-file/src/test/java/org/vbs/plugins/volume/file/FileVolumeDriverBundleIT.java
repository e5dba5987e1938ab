package org.vbs.plugins.volume.file;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.ServiceLoader;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleException;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.launch.Framework;
import org.osgi.framework.launch.FrameworkFactory;
import org.vbs.plugins.spi.volume.Capability;
import org.vbs.plugins.spi.volume.VolumeDriver;
import org.vbs.plugins.spi.volume.VolumeSpec;

/**
 * The packaged bundle in a real Felix framework set up as the plugin host does (the SPI package
 * exported by the system bundle): its manifest resolves, its activator registers the driver as a
 * named service on the configured pool, and without a pool it refuses to start and registers nothing.
 */
class FileVolumeDriverBundleIT {
    private static final String NAME_FILTER = "(" + VolumeDriver.NAME_PROPERTY + "=" + FileVolumeDriver.NAME + ")";

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
    void shouldRegisterTheFileDriverOnTheConfiguredPoolAndUnregisterItOnStop() throws Exception {
        Path pool = work.resolve("pool");
        BundleContext host = startFramework(Map.of(Activator.POOL_PROPERTY, pool.toString()));
        Bundle bundle = host.installBundle(bundleJar().toUri().toString());

        bundle.start();

        assertEquals(Bundle.ACTIVE, bundle.getState());
        Collection<ServiceReference<VolumeDriver>> references = host.getServiceReferences(VolumeDriver.class, NAME_FILTER);
        assertEquals(1, references.size());
        VolumeDriver driver = host.getService(references.iterator().next());
        assertTrue(driver.capabilities().contains(Capability.THIN_PROVISIONING));
        driver.createVolume(new VolumeSpec("vol-0123456789abcdef0", 1L << 20));
        assertTrue(Files.isRegularFile(pool.resolve("volumes/vol-0123456789abcdef0.img")));

        bundle.stop();

        assertTrue(host.getServiceReferences(VolumeDriver.class, null).isEmpty());
    }

    @Test
    void shouldRefuseToStartWithoutAPoolAndRegisterNothing() throws Exception {
        assertNull(System.getProperty(Activator.POOL_PROPERTY), "the test needs the property unset");
        BundleContext host = startFramework(Map.of());
        Bundle bundle = host.installBundle(bundleJar().toUri().toString());

        BundleException e = assertThrows(BundleException.class, bundle::start);

        assertTrue(messages(e).contains(Activator.POOL_PROPERTY), messages(e));
        assertEquals(Bundle.RESOLVED, bundle.getState());
        assertTrue(host.getServiceReferences(VolumeDriver.class, null).isEmpty());
    }

    private BundleContext startFramework(Map<String, String> properties) throws BundleException {
        Map<String, String> config = new HashMap<>(properties);
        config.put(Constants.FRAMEWORK_STORAGE, work.resolve("felix-cache").toString());
        config.put(Constants.FRAMEWORK_STORAGE_CLEAN, Constants.FRAMEWORK_STORAGE_CLEAN_ONFIRSTINIT);
        config.put(Constants.FRAMEWORK_SYSTEMPACKAGES_EXTRA, "org.vbs.plugins.spi;version=1.0.0");
        config.put("felix.service.urlhandlers", "false");
        framework = ServiceLoader.load(FrameworkFactory.class).findFirst().orElseThrow().newFramework(config);
        framework.start();
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
