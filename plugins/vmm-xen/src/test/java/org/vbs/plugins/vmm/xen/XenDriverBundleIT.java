package org.vbs.plugins.vmm.xen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.launch.Framework;
import org.vbs.plugins.spi.DriverConfig;
import org.vbs.plugins.spi.DriverFactory;
import org.vbs.plugins.spi.hypervisor.AttachedDevice;
import org.vbs.plugins.spi.hypervisor.DeviceAttachRequest;
import org.vbs.plugins.spi.hypervisor.HypervisorDriver;
import org.vbs.plugins.testkit.HypervisorTestTarget;
import org.vbs.plugins.testkit.tools.PluginFramework;

/**
 * The packaged bundle in a real Felix framework set up as the plugin host does (the SPI packages
 * exported by the system bundle, nothing else): its manifest resolves, its activator registers the
 * factory under the id {@code xen} and the kind HypervisorDriver, a driver made by it attaches and
 * detaches a volume on a FAKE dom0 ({@link FakeXl}, {@link FakeIscsiadm}, {@link FakeXenstoreRead}:
 * no Xen can run here) with the command templates read from inside the bundle, and stopping the
 * bundle takes the service away.
 */
class XenDriverBundleIT {
    private static final String FILTER = "(&(" + DriverFactory.ID_PROPERTY + "=xen)(" + DriverFactory.KIND_PROPERTY
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
    void shouldRegisterTheXenFactoryWhoseDriverAttachesAndDetachesAndUnregisterItOnStop() throws Exception {
        framework = PluginFramework.start(work);
        BundleContext host = framework.getBundleContext();
        Bundle bundle = host.installBundle(bundleJar().toUri().toString());

        bundle.start();

        assertEquals(Bundle.ACTIVE, bundle.getState());
        Collection<ServiceReference<DriverFactory>> references = host.getServiceReferences(DriverFactory.class, FILTER);
        assertEquals(1, references.size());
        DriverFactory<HypervisorDriver> factory = host.getService(references.iterator().next());
        assertNotEquals(getClass().getClassLoader(), factory.getClass().getClassLoader(), "the bundle's own class");
        FakeDom0 dom0 = new FakeDom0(work.resolve("dom0"));
        HypervisorDriver driver = factory.create(new DriverConfig("dom0-fake",
                Map.of(XenSettings.DEVICE_DIR, dom0.deviceDir().toString()),
                Map.of("deviceCheckCmd", "test -e <dev>")), dom0.shell());
        String domain = dom0.startDomain();
        String initiator = "iqn.2026-12.org.vbs.test:dom0-bundle";
        HypervisorTestTarget target = dom0.newTarget(initiator);

        AttachedDevice attached = driver.attach(new DeviceAttachRequest(domain, "xvdb", target.target(), initiator,
                target.chap()));

        assertEquals(List.of(attached), driver.devices(domain));
        assertTrue(dom0.calls().contains(List.of("xl", "block-attach", domain, "phy:" + dom0.deviceDir().resolve(
                "ip-127.0.0.1:3260-iscsi-" + target.target().iqn() + "-lun-1"), "xvdb", "w")), "the bundle's template");
        driver.detach(domain, target.volumeId());
        assertEquals(List.of(), driver.devices(domain));
        assertEquals(Set.of(), dom0.objects(domain));

        bundle.stop();

        assertTrue(host.getServiceReferences(DriverFactory.class, null).isEmpty());
    }

    private static Path bundleJar() {
        Path jar = Path.of(System.getProperty("vbs.test.bundle", "target/vbs-vmm-xen.jar"));
        assertTrue(Files.isRegularFile(jar), "the packaged bundle (run through failsafe after package): " + jar);
        return jar;
    }
}
