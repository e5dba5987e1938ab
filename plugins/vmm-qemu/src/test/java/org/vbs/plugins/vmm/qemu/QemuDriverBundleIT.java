package org.vbs.plugins.vmm.qemu;

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
import org.osgi.framework.BundleException;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.launch.Framework;
import org.vbs.hosts.LocalHostShell;
import org.vbs.plugins.spi.DriverConfig;
import org.vbs.plugins.spi.DriverFactory;
import org.vbs.plugins.spi.hypervisor.AttachedDevice;
import org.vbs.plugins.spi.hypervisor.DeviceAttachRequest;
import org.vbs.plugins.spi.hypervisor.HypervisorDriver;
import org.vbs.plugins.testkit.HypervisorTestTarget;
import org.vbs.plugins.testkit.tools.QemuVm;
import org.vbs.plugins.testkit.tools.TgtTargets;
import org.vbs.plugins.testkit.tools.TgtdProcess;
import org.vbs.plugins.testkit.tools.PluginFramework;

/**
 * The packaged bundle in a real Felix framework set up as the plugin host does (the SPI packages
 * exported by the system bundle, nothing else): its manifest resolves with the JSON library inside
 * it, its activator registers the factory under the id {@code qemu} and the kind HypervisorDriver,
 * a driver made by it attaches and detaches a real volume on a real QEMU, and stopping the bundle
 * takes the service away.
 */
class QemuDriverBundleIT {
    private static final String FILTER = "(&(" + DriverFactory.ID_PROPERTY + "=qemu)(" + DriverFactory.KIND_PROPERTY
            + "=HypervisorDriver))";

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
    void shouldRegisterTheQemuFactoryWhoseDriverAttachesAndDetachesAndUnregisterItOnStop() throws Exception {
        BundleContext host = startFramework();
        Bundle bundle = host.installBundle(bundleJar().toUri().toString());

        bundle.start();

        assertEquals(Bundle.ACTIVE, bundle.getState());
        Collection<ServiceReference<DriverFactory>> references = host.getServiceReferences(DriverFactory.class, FILTER);
        assertEquals(1, references.size());
        DriverFactory<HypervisorDriver> factory = host.getService(references.iterator().next());
        assertNotEquals(getClass().getClassLoader(), factory.getClass().getClassLoader(), "the bundle's own class");
        Path sockets = Files.createDirectories(work.resolve("qmp"));
        HypervisorDriver driver = factory.create(new DriverConfig("localhost",
                Map.of(QemuSettings.QMP_SOCKET_DIR, sockets.toString()), Map.of()), new LocalHostShell("localhost"));
        try (TgtdProcess tgtd = TgtdProcess.startOnLoopback(work); QemuVm vm = QemuVm.start(sockets, "vm-bundle")) {
            String initiator = TgtTargets.newInitiatorIqn();
            HypervisorTestTarget target = new TgtTargets(tgtd, work.resolve("luns")).export(initiator);

            AttachedDevice attached = driver.attach(new DeviceAttachRequest(vm.instanceId(), "sdb", target.target(),
                    initiator, target.chap()));

            assertEquals(List.of(attached), driver.devices(vm.instanceId()));
            driver.detach(vm.instanceId(), target.volumeId());
            assertEquals(List.of(), driver.devices(vm.instanceId()));
        }

        bundle.stop();

        assertTrue(host.getServiceReferences(DriverFactory.class, null).isEmpty());
    }

    private BundleContext startFramework() throws BundleException {
        framework = PluginFramework.start(work);
        return framework.getBundleContext();
    }

    private static Path bundleJar() {
        Path jar = Path.of(System.getProperty("vbs.test.bundle", "target/vbs-vmm-qemu.jar"));
        assertTrue(Files.isRegularFile(jar), "the packaged bundle (run through failsafe after package): " + jar);
        return jar;
    }
}
