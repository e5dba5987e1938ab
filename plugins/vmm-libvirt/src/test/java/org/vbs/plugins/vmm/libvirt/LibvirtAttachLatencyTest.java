package org.vbs.plugins.vmm.libvirt;

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
import org.vbs.plugins.testkit.tools.LibvirtdProcess;
import org.vbs.plugins.testkit.tools.TgtTargets;
import org.vbs.plugins.testkit.tools.TgtdProcess;

/**
 * Attach and detach of one volume, 40 times in a row, through the real local shell, virsh, libvirtd,
 * QEMU and tgtd. Each cycle is checked (the device shows, then is gone, and nothing is left); the
 * latencies are printed for the record, never asserted.
 */
class LibvirtAttachLatencyTest {
    private static final int CYCLES = 40;

    @TempDir
    Path work;

    @Test
    void shouldAttachAndDetachFortyTimesAndPrintTheLatencies() throws Exception {
        try (TgtdProcess tgtd = TgtdProcess.startOnLoopback(work); LibvirtdProcess libvirtd = LibvirtdProcess.start(work);
             LibvirtFixture domains = new LibvirtFixture(libvirtd)) {
            String initiator = TgtTargets.newInitiatorIqn();
            HypervisorTestTarget target = new TgtTargets(tgtd, work.resolve("luns")).export(initiator);
            String domain = domains.start();
            HypervisorDriver driver = domains.driver(Map.of());
            Set<String> before = domains.view().objects(domain);
            List<Long> attach = new ArrayList<>();
            List<Long> detach = new ArrayList<>();

            for (int i = 0; i < CYCLES; i++) {
                long start = System.nanoTime();
                AttachedDevice device = driver.attach(new DeviceAttachRequest(domain, "sdb", target.target(),
                        initiator, target.chap()));
                attach.add(System.nanoTime() - start);
                assertEquals(List.of(device), driver.devices(domain));

                start = System.nanoTime();
                driver.detach(domain, target.volumeId());
                detach.add(System.nanoTime() - start);
                assertEquals(List.of(), driver.devices(domain));
            }

            assertEquals(before, domains.view().objects(domain));
            System.out.printf("libvirt driver over %d cycles (local shell + virsh + libvirtd + QEMU, tgtd on loopback): "
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
