package org.vbs.plugins.vmm.libvirt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.launch.Framework;
import org.vbs.hosts.LocalHostShell;
import org.vbs.plugins.spi.DriverConfig;
import org.vbs.plugins.spi.DriverFactory;
import org.vbs.plugins.spi.hypervisor.AttachedDevice;
import org.vbs.plugins.spi.hypervisor.DeviceAttachRequest;
import org.vbs.plugins.spi.hypervisor.HypervisorDriver;
import org.vbs.plugins.testkit.HypervisorTestTarget;
import org.vbs.plugins.testkit.tools.LibvirtdProcess;
import org.vbs.plugins.testkit.tools.PluginFramework;
import org.vbs.plugins.testkit.tools.TgtTargets;
import org.vbs.plugins.testkit.tools.TgtdProcess;

/**
 * The packaged bundle in a real Felix framework set up as the plugin host does (the SPI packages
 * exported by the system bundle, the JRE's packages such as javax.xml.parsers by default): its manifest
 * resolves, its activator registers the factory under the id {@code libvirt} and the kind
 * HypervisorDriver, a driver made by it attaches and detaches a real volume on a real domain of a
 * private libvirtd (its XML built and parsed by the JDK's XML API from inside the bundle), and stopping
 * the bundle takes the service away.
 */
class LibvirtDriverBundleIT {
    private static final String FILTER = "(&(" + DriverFactory.ID_PROPERTY + "=libvirt)("
            + DriverFactory.KIND_PROPERTY + "=HypervisorDriver))";

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
    @SuppressWarnings({"unchecked", "rawtypes"})
    void shouldRegisterTheLibvirtFactoryWhoseDriverAttachesAndDetachesAndUnregisterItOnStop() throws Exception {
        framework = PluginFramework.start(work);
        BundleContext host = framework.getBundleContext();
        Bundle bundle = host.installBundle(bundleJar().toUri().toString());

        bundle.start();

        assertEquals(Bundle.ACTIVE, bundle.getState());
        Collection<ServiceReference<DriverFactory>> references = host.getServiceReferences(DriverFactory.class, FILTER);
        assertEquals(1, references.size());
        DriverFactory<HypervisorDriver> factory = host.getService(references.iterator().next());
        assertNotEquals(getClass().getClassLoader(), factory.getClass().getClassLoader(), "the bundle's own class");
        try (TgtdProcess tgtd = TgtdProcess.startOnLoopback(work); LibvirtdProcess libvirtd = LibvirtdProcess.start(work);
             LibvirtFixture domains = new LibvirtFixture(libvirtd)) {
            HypervisorDriver driver = factory.create(new DriverConfig("localhost",
                    Map.of(LibvirtSettings.URI, libvirtd.uri()), Map.of()), new LocalHostShell("localhost"));
            String initiator = TgtTargets.newInitiatorIqn();
            HypervisorTestTarget target = new TgtTargets(tgtd, work.resolve("luns")).export(initiator);
            String domain = domains.start();

            AttachedDevice attached = driver.attach(new DeviceAttachRequest(domain, "sdb", target.target(), initiator,
                    target.chap()));

            assertEquals(List.of(attached), driver.devices(domain));
            driver.detach(domain, target.volumeId());
            assertEquals(List.of(), driver.devices(domain));
        }

        bundle.stop();

        assertTrue(host.getServiceReferences(DriverFactory.class, null).isEmpty());
    }

    private static Path bundleJar() {
        Path jar = Path.of(System.getProperty("vbs.test.bundle", "target/vbs-vmm-libvirt.jar"));
        assertTrue(Files.isRegularFile(jar), "the packaged bundle (run through failsafe after package): " + jar);
        return jar;
    }
}
