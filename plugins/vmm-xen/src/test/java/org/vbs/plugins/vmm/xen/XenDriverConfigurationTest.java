package org.vbs.plugins.vmm.xen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vbs.plugins.spi.DriverConfig;
import org.vbs.plugins.spi.DriverException;
import org.vbs.plugins.spi.hypervisor.DeviceAttachRequest;
import org.vbs.plugins.spi.hypervisor.HypervisorDriver;
import org.vbs.plugins.testkit.HypervisorTestTarget;

/** The driver's properties and command templates: defaults, the operator's overrides, and refusals. */
class XenDriverConfigurationTest {
    @TempDir
    Path work;

    @Test
    void shouldTakeTheDefaultsWhenNoPropertyIsGiven() throws Exception {
        XenSettings settings = XenSettings.from(new DriverConfig("xen1", Map.of(), Map.of()));

        assertEquals(new XenSettings(Path.of("/dev/disk/by-path"), "iqn.2026-11.org.vbs:", Duration.ofSeconds(30),
                Duration.ofMillis(200)), settings);
    }

    @Test
    void shouldRenderTheBundlesTemplatesAsTheSeedWroteThem() throws Exception {
        Dom0Commands dom0 = new Dom0Commands(new FakeDom0(work.resolve("dom0")).shell(), Dom0Commands.templates(
                Map.of()));
        String dev = "/dev/disk/by-path/ip-192.0.2.10:3260-iscsi-iqn.2026-11.org.vbs:vol-0123456789abcdef0-lun-1";

        assertEquals(List.of("xl", "block-attach", "vm-42", "phy:" + dev, "xvdb", "w"), dom0.command("blockAttachCmd",
                Map.of("domain", "vm-42", "dev", dev, "guestDev", "xvdb")).argv());
        assertEquals(List.of("xl", "block-detach", "vm-42", "xvdb"), dom0.command("blockDetachCmd",
                Map.of("domain", "vm-42", "guestDev", "xvdb")).argv());
        assertEquals(List.of("test", "-b", dev), dom0.command("deviceCheckCmd", Map.of("dev", dev)).argv());
    }

    @Test
    void shouldRefuseBadPropertiesNamingTheHostAndTheProperty() {
        for (Map.Entry<String, String> bad : Map.of(XenSettings.DEVICE_DIR, "dev/disk", XenSettings.IQN_PREFIX,
                "org.vbs:", XenSettings.DEVICE_TIMEOUT_MILLIS, "-1", XenSettings.DEVICE_POLL_MILLIS, "often").entrySet()) {
            DriverException e = assertThrows(DriverException.class, () -> new XenDriverFactory().create(
                    new DriverConfig("xen1", Map.of(bad.getKey(), bad.getValue()), Map.of()),
                    new FakeDom0(work.resolve("dom0")).shell()));
            assertEquals(DriverException.Code.CONFIGURATION, e.code());
            assertTrue(e.getMessage().contains("xen1") && e.getMessage().contains(bad.getKey()), e.getMessage());
        }
    }

    @Test
    void shouldRefuseAnOverrideOfNoTemplateAndOneWithAnUndeclaredPlaceholder() throws Exception {
        FakeDom0 dom0 = new FakeDom0(work.resolve("dom0"));

        DriverException unknown = assertThrows(DriverException.class, () -> dom0.driver(Map.of(),
                Map.of("blockAttachCommand", "xl block-attach <domain> phy:<dev> <guestDev> w")));
        DriverException undeclared = assertThrows(DriverException.class, () -> dom0.driver(Map.of(),
                Map.of("blockAttachCmd", "xl block-attach <domain> <script> <guestDev> w")));

        assertEquals(DriverException.Code.CONFIGURATION, unknown.code());
        assertTrue(unknown.getMessage().contains("blockAttachCommand"), unknown.getMessage());
        assertEquals(DriverException.Code.CONFIGURATION, undeclared.code());
        assertTrue(undeclared.getMessage().contains("<script>"), undeclared.getMessage());
    }

    @Test
    void shouldRunTheProgramsAnOperatorsOverridesName() throws Exception {
        FakeDom0 dom0 = new FakeDom0(work.resolve("dom0"));
        HypervisorDriver driver = dom0.driver(Map.of(), Map.of(
                "domainIdCmd", "/opt/xen/sbin/xl domid <domain>",
                "blockListCmd", "/opt/xen/sbin/xl block-list <domain>",
                "blockAttachCmd", "/opt/xen/sbin/xl block-attach <domain> phy:<dev> <guestDev> w"));
        String domain = dom0.startDomain();
        HypervisorTestTarget target = dom0.newTarget("iqn.2026-12.org.vbs.test:dom0");

        driver.attach(new DeviceAttachRequest(domain, "xvdb", target.target(), target.initiatorIqn(), target.chap()));

        List<List<String>> calls = dom0.calls();
        assertEquals(List.of("/opt/xen/sbin/xl", "domid", domain), calls.get(0));
        assertEquals(List.of("/opt/xen/sbin/xl", "block-list", domain), calls.get(1));
        assertEquals(List.of("/opt/xen/sbin/xl", "block-attach", domain), calls.get(calls.size() - 1).subList(0, 3));
        assertEquals("iscsiadm", calls.get(2).get(0), "templates not overridden keep the bundle's program");
    }
}
