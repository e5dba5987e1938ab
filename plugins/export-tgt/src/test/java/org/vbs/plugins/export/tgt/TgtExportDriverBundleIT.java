package org.vbs.plugins.export.tgt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleException;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.launch.Framework;
import org.vbs.hosts.LocalHostShell;
import org.vbs.plugins.spi.DriverConfig;
import org.vbs.plugins.spi.DriverException;
import org.vbs.plugins.spi.DriverFactory;
import org.vbs.plugins.spi.Secret;
import org.vbs.plugins.spi.export.ChapCredentials;
import org.vbs.plugins.spi.export.ExportDriver;
import org.vbs.plugins.spi.export.ExportRequest;
import org.vbs.plugins.spi.export.ExportedTarget;
import org.vbs.plugins.testkit.tools.IscsiLogin;
import org.vbs.plugins.testkit.tools.TgtdProcess;
import org.vbs.plugins.testkit.tools.PluginFramework;

/**
 * The packaged bundle in a real Felix framework set up as the plugin host does (the SPI packages
 * exported by the system bundle): its manifest resolves against SPI 2, its activator registers one
 * {@code DriverFactory} service with the tgt id and the ExportDriver kind, the driver it makes
 * exports through a real tgtd, and stopping the bundle takes the service away.
 */
class TgtExportDriverBundleIT {
    private static final String FILTER = "(&(" + DriverFactory.ID_PROPERTY + "=tgt)(" + DriverFactory.KIND_PROPERTY
            + "=ExportDriver))";

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
    void shouldRegisterTheTgtFactoryWhoseDriverExportsAndUnregisterItOnStop() throws Exception {
        BundleContext host = startFramework();
        Bundle bundle = host.installBundle(bundleJar().toUri().toString());

        bundle.start();

        assertEquals(Bundle.ACTIVE, bundle.getState());
        Collection<ServiceReference<DriverFactory>> references = host.getServiceReferences(DriverFactory.class, FILTER);
        assertEquals(1, references.size());
        @SuppressWarnings("unchecked")
        DriverFactory<ExportDriver> factory = host.getService(references.iterator().next());
        assertEquals(ExportDriver.class, factory.kind());
        try (TgtdProcess tgtd = TgtdProcess.startOnLoopback(work)) {
            ExportDriver driver = factory.create(new DriverConfig("localhost", Map.of(TgtSettings.PORTAL, tgtd.portal(),
                    TgtSettings.CONTROL, String.valueOf(tgtd.controlNumber())), Map.of()), new LocalHostShell("localhost"));
            Path backing = work.resolve("vol.img");
            try (RandomAccessFile file = new RandomAccessFile(backing.toFile(), "rw")) {
                file.setLength(1L << 20);
            }
            String secret = "BundleSecret0123456789";
            ExportRequest request = new ExportRequest("iqn.2026-11.org.vbs:bundle-it", "vol-0123456789abcdef0", backing,
                    "iqn.2026-11.org.vbs.test:bundle-it", "127.0.0.1", new ChapCredentials("vbs-bundle-it",
                    Secret.of(secret.toCharArray()), Optional.empty(), Optional.empty()));

            ExportedTarget target = driver.export(request);

            assertEquals(0, IscsiLogin.anonymous(target.portal(), target.iqn(), target.lun(), request.initiatorIqn())
                    .withChap("vbs-bundle-it", secret).inquire().exitCode());
            driver.unexport(target.iqn());
            assertTrue(tgtd.targetIds().isEmpty());
        }

        bundle.stop();

        assertTrue(host.getServiceReferences(DriverFactory.class, null).isEmpty());
    }

    @Test
    void shouldMakeNoDriverWithoutAPortal() throws Exception {
        BundleContext host = startFramework();
        Bundle bundle = host.installBundle(bundleJar().toUri().toString());
        bundle.start();
        @SuppressWarnings("unchecked")
        DriverFactory<ExportDriver> factory = host.getService(host.getServiceReferences(DriverFactory.class, FILTER)
                .iterator().next());

        DriverException e = assertThrows(DriverException.class,
                () -> factory.create(new DriverConfig("vs1", Map.of(), Map.of()), new LocalHostShell("vs1")));

        assertEquals(DriverException.Code.CONFIGURATION, e.code());
        assertTrue(e.getMessage().contains("'portal'"), e.getMessage());
        assertFalse(factory.configProperties().isEmpty());
    }

    private BundleContext startFramework() throws BundleException {
        framework = PluginFramework.start(work);
        return framework.getBundleContext();
    }

    private static Path bundleJar() {
        Path jar = Path.of(System.getProperty("vbs.test.bundle", "target/vbs-export-tgt.jar"));
        assertTrue(Files.isRegularFile(jar), "the packaged bundle (run through failsafe after package): " + jar);
        return jar;
    }
}
