package org.vbs.plugins.vmm.libvirt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;
import org.vbs.hosts.LocalHostShell;
import org.vbs.plugins.spi.DriverConfig;
import org.vbs.plugins.spi.DriverException;
import org.vbs.plugins.spi.DriverFactory.ConfigProperty;
import org.vbs.plugins.spi.hypervisor.HypervisorDriver;

/**
 * The factory's configuration (properties, command-template overrides), with the real local shell
 * and virsh against a libvirtd socket that does not exist (no daemon needed to see these fail).
 */
class LibvirtDriverConfigurationTest {
    @TempDir
    Path work;

    @Test
    void shouldDescribeItselfAsTheLibvirtHypervisorDriverWithTheSystemUriByDefault() throws Exception {
        LibvirtDriverFactory factory = new LibvirtDriverFactory();

        assertEquals("libvirt", factory.id());
        assertEquals(HypervisorDriver.class, factory.kind());
        assertTrue(factory.configProperties().stream().map(ConfigProperty::name).toList()
                .contains(LibvirtSettings.URI), factory.configProperties().toString());
        assertEquals("qemu:///system", LibvirtSettings.from(new DriverConfig("h1", Map.of(), Map.of())).uri());
    }

    @Test
    void shouldRefuseAUriThatCouldBecomeAnOptionOrTwoWords() {
        for (String uri : new String[] {"--readonly", "qemu:///system --readonly", "qemu:///$(id)", "/system"}) {
            assertConfiguration(Map.of(LibvirtSettings.URI, uri), Map.of(), LibvirtSettings.URI, "host h1");
        }
    }

    @Test
    void shouldRefuseABadTimeout() {
        assertConfiguration(Map.of(LibvirtSettings.COMMAND_TIMEOUT_MILLIS, "soon"), Map.of(),
                LibvirtSettings.COMMAND_TIMEOUT_MILLIS, "soon");
        assertConfiguration(Map.of(LibvirtSettings.DETACH_TIMEOUT_MILLIS, "0"), Map.of(),
                LibvirtSettings.DETACH_TIMEOUT_MILLIS);
    }

    @Test
    void shouldRefuseATemplateOverrideThatOverridesNothingOrNamesAnUnknownPlaceholder() {
        assertConfiguration(Map.of(), Map.of("dumpXml", "virsh -c <uri> dumpxml <domain>"), "dumpXml");
        assertConfiguration(Map.of(), Map.of(Virsh.DUMP_XML, "virsh -c <uri> dumpxml <instance>"), "<instance>",
                "override");
    }

    @Test
    void shouldFailWithVirshsErrorWhenLibvirtdCannotBeReached() throws Exception {
        HypervisorDriver driver = driver(Map.of(LibvirtSettings.URI, "qemu+unix:///system?socket=" + work
                + "/nothing-listens"), Map.of());

        DriverException e = assertThrows(DriverException.class, () -> driver.devices("vm-1"));

        assertEquals(DriverException.Code.IO_ERROR, e.code(), e.getMessage());
        assertTrue(e.getMessage().contains("vm-1") && e.getMessage().contains("failed to connect to the hypervisor")
                && e.getMessage().contains("nothing-listens"), e.getMessage());
    }

    @Test
    void shouldRunTheOperatorsTemplate() throws Exception {
        // An override that prints nothing useful shows that the operator's template is the one run.
        HypervisorDriver driver = driver(Map.of(), Map.of(Virsh.DUMP_XML, "echo <domain>"));

        DriverException e = assertThrows(DriverException.class, () -> driver.devices("vm-1"));

        assertEquals(DriverException.Code.IO_ERROR, e.code(), e.getMessage());
        assertTrue(e.getMessage().contains("printed no domain XML") && e.getMessage().contains("vm-1"), e.getMessage());
    }

    private HypervisorDriver driver(Map<String, String> properties, Map<String, String> overrides)
            throws DriverException {
        return new LibvirtDriverFactory().create(new DriverConfig("h1", new HashMap<>(properties), overrides),
                new LocalHostShell("h1"));
    }

    private static void assertConfiguration(Map<String, String> properties, Map<String, String> overrides,
                                            String... mentions) {
        Executable create = () -> new LibvirtDriverFactory().create(new DriverConfig("h1", properties, overrides),
                new LocalHostShell("h1"));
        DriverException e = assertThrows(DriverException.class, create);
        assertEquals(DriverException.Code.CONFIGURATION, e.code(), e.getMessage());
        for (String word : mentions) {
            assertTrue(e.getMessage().contains(word), () -> "'" + word + "' in: " + e.getMessage());
        }
    }
}
