package org.vbs.plugins.vmm.qemu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;
import org.vbs.hosts.LocalHostShell;
import org.vbs.plugins.spi.DriverConfig;
import org.vbs.plugins.spi.DriverException;
import org.vbs.plugins.spi.DriverFactory.ConfigProperty;
import org.vbs.plugins.spi.hypervisor.HypervisorDriver;
import org.vbs.plugins.testkit.tools.QemuVm;

/**
 * The factory's configuration (properties, command-template overrides) and the bound on QMP waits,
 * with the real local shell and socat.
 */
class QemuDriverConfigurationTest {
    @TempDir
    Path work;

    @Test
    void shouldDescribeItselfAsTheQemuHypervisorDriver() {
        QemuDriverFactory factory = new QemuDriverFactory();

        assertEquals("qemu", factory.id());
        assertEquals(HypervisorDriver.class, factory.kind());
        assertTrue(factory.configProperties().contains(new ConfigProperty(QemuSettings.QMP_SOCKET_DIR,
                factory.configProperties().get(0).description(), true, false)), factory.configProperties().toString());
    }

    @Test
    void shouldRefuseAMissingOrRelativeSocketDirectory() {
        assertConfiguration(Map.of(), Map.of(), QemuSettings.QMP_SOCKET_DIR, "host h1");
        assertConfiguration(Map.of(QemuSettings.QMP_SOCKET_DIR, "qmp"), Map.of(), QemuSettings.QMP_SOCKET_DIR,
                "absolute");
    }

    @Test
    void shouldRefuseABadTimeoutOrControllerId() {
        assertConfiguration(Map.of(QemuSettings.QMP_SOCKET_DIR, work.toString(), QemuSettings.QMP_TIMEOUT_MILLIS, "soon"),
                Map.of(), QemuSettings.QMP_TIMEOUT_MILLIS, "soon");
        assertConfiguration(Map.of(QemuSettings.QMP_SOCKET_DIR, work.toString(), QemuSettings.SCSI_CONTROLLER, "a b"),
                Map.of(), QemuSettings.SCSI_CONTROLLER);
    }

    @Test
    void shouldRefuseATemplateOverrideThatOverridesNothingOrNamesAnUnknownPlaceholder() {
        Map<String, String> properties = Map.of(QemuSettings.QMP_SOCKET_DIR, work.toString());
        assertConfiguration(properties, Map.of("qmpConnect", "socat - UNIX-CONNECT:<socket>"), "qmpConnect");
        assertConfiguration(properties, Map.of(QmpConnector.CONNECT_TEMPLATE, "socat - UNIX-CONNECT:<path>"), "<path>",
                "override");
    }

    @Test
    void shouldConnectWithTheOperatorsTemplate() throws Exception {
        try (QemuVm vm = QemuVm.start(work, "vm-templates")) {
            assertEquals(List.of(), driver(Map.of(), Map.of()).devices(vm.instanceId()));

            // An override that connects nowhere shows that the operator's template is the one run.
            HypervisorDriver broken = driver(Map.of(), Map.of(QmpConnector.CONNECT_TEMPLATE, "false <socket>"));
            DriverException e = assertThrows(DriverException.class, () -> broken.devices(vm.instanceId()));

            assertEquals(DriverException.Code.IO_ERROR, e.code(), e.getMessage());
            assertTrue(e.getMessage().contains(vm.instanceId()), e.getMessage());
        }
    }

    @Test
    void shouldGiveUpWhenTheQmpSocketNeverGreets() throws Exception {
        Path socket = work.resolve("vm-silent.qmp");
        try (ServerSocketChannel silent = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            silent.bind(UnixDomainSocketAddress.of(socket)); // accepts into its backlog, never answers
            HypervisorDriver driver = driver(Map.of(QemuSettings.QMP_TIMEOUT_MILLIS, "300"), Map.of());

            DriverException e = assertThrows(DriverException.class, () -> driver.devices("vm-silent"));

            assertEquals(DriverException.Code.IO_ERROR, e.code(), e.getMessage());
            assertTrue(e.getMessage().contains("greeting") && e.getMessage().contains("300 ms")
                    && e.getMessage().contains("vm-silent"), e.getMessage());
        }
    }

    private HypervisorDriver driver(Map<String, String> properties, Map<String, String> overrides)
            throws DriverException {
        Map<String, String> all = new HashMap<>(properties);
        all.put(QemuSettings.QMP_SOCKET_DIR, work.toString());
        return new QemuDriverFactory().create(new DriverConfig("h1", all, overrides), new LocalHostShell("h1"));
    }

    private static void assertConfiguration(Map<String, String> properties, Map<String, String> overrides,
                                            String... mentions) {
        Executable create = () -> new QemuDriverFactory().create(new DriverConfig("h1", properties, overrides),
                new LocalHostShell("h1"));
        DriverException e = assertThrows(DriverException.class, create);
        assertEquals(DriverException.Code.CONFIGURATION, e.code(), e.getMessage());
        for (String word : mentions) {
            assertTrue(e.getMessage().contains(word), () -> "'" + word + "' in: " + e.getMessage());
        }
    }
}
