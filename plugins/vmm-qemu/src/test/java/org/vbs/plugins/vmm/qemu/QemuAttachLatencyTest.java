package org.vbs.plugins.vmm.qemu;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vbs.plugins.spi.hypervisor.AttachedDevice;
import org.vbs.plugins.spi.hypervisor.DeviceAttachRequest;
import org.vbs.plugins.spi.hypervisor.HypervisorDriver;
import org.vbs.plugins.testkit.HypervisorTestTarget;
import org.vbs.plugins.testkit.tools.QemuVm;
import org.vbs.plugins.testkit.tools.TgtTargets;
import org.vbs.plugins.testkit.tools.TgtdProcess;

/**
 * Attach and detach of one volume, 50 times in a row, through the real local shell, socat, QEMU and
 * tgtd. Each cycle is checked (the device shows, then is gone, and nothing is left); the latencies
 * are printed for the record, never asserted.
 */
class QemuAttachLatencyTest {
    private static final int CYCLES = 50;

    @TempDir
    Path work;

    @Test
    void shouldAttachAndDetachFiftyTimesAndPrintTheLatencies() throws Exception {
        try (TgtdProcess tgtd = TgtdProcess.startOnLoopback(work); QemuFixture qemu = new QemuFixture(work.resolve("qmp"))) {
            String initiator = TgtTargets.newInitiatorIqn();
            HypervisorTestTarget target = new TgtTargets(tgtd, work.resolve("luns")).export(initiator);
            QemuVm vm = qemu.start();
            HypervisorDriver driver = qemu.driver(Map.of());
            Set<String> before = QemuFixture.objects(vm);
            List<Long> attach = new ArrayList<>();
            List<Long> detach = new ArrayList<>();

            for (int i = 0; i < CYCLES; i++) {
                long start = System.nanoTime();
                AttachedDevice device = driver.attach(new DeviceAttachRequest(vm.instanceId(), "sdb", target.target(),
                        initiator, target.chap()));
                attach.add(System.nanoTime() - start);
                assertEquals(List.of(device), driver.devices(vm.instanceId()));

                start = System.nanoTime();
                driver.detach(vm.instanceId(), target.volumeId());
                detach.add(System.nanoTime() - start);
                assertEquals(List.of(), driver.devices(vm.instanceId()));
            }

            assertEquals(before, QemuFixture.objects(vm));
            System.out.printf("QEMU driver over %d cycles (local shell + socat + QMP, tgtd on loopback): "
                    + "attach p50 %.1f ms p99 %.1f ms; detach p50 %.1f ms p99 %.1f ms%n", CYCLES,
                    percentile(attach, 50), percentile(attach, 99), percentile(detach, 50), percentile(detach, 99));
        }
    }

    private static double percentile(List<Long> nanos, int p) {
        List<Long> sorted = new ArrayList<>(nanos);
        Collections.sort(sorted);
        int index = (int) Math.ceil(p / 100.0 * sorted.size()) - 1;
        return sorted.get(Math.max(0, index)) / 1e6;
    }
}
