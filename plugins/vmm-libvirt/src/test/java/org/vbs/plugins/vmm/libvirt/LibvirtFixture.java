package org.vbs.plugins.vmm.libvirt;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import org.vbs.hosts.LocalHostShell;
import org.vbs.plugins.spi.DriverConfig;
import org.vbs.plugins.spi.DriverException;
import org.vbs.plugins.spi.hypervisor.HypervisorDriver;
import org.vbs.plugins.testkit.tools.LibvirtDomainView;
import org.vbs.plugins.testkit.tools.LibvirtdProcess;

/**
 * The transient domains of one test on a private libvirtd (each destroyed by {@link #close()}), the
 * driver made for that daemon, and the test's own view of the domains ({@link LibvirtDomainView}).
 */
final class LibvirtFixture implements AutoCloseable {
    private final LibvirtdProcess libvirtd;
    private final LibvirtDomainView view;
    private final List<String> domains = new ArrayList<>();

    LibvirtFixture(LibvirtdProcess libvirtd) {
        this.libvirtd = libvirtd;
        this.view = new LibvirtDomainView(libvirtd);
    }

    LibvirtdProcess libvirtd() {
        return libvirtd;
    }

    /** What the test sees in the daemon's domains, through virsh and the QEMU monitor. */
    LibvirtDomainView view() {
        return view;
    }

    /** Starts a new transient domain for the test. */
    String start() throws IOException {
        String name = "vbs-test-" + ThreadLocalRandom.current().nextInt(1_000_000);
        libvirtd.createDomain(name);
        domains.add(name);
        return name;
    }

    /** The driver as the service would make it for this machine, through the real local shell. */
    HypervisorDriver driver(Map<String, String> extraProperties) throws DriverException {
        Map<String, String> properties = new HashMap<>(extraProperties);
        properties.putIfAbsent(LibvirtSettings.URI, libvirtd.uri());
        return new LibvirtDriverFactory().create(new DriverConfig("localhost", properties, Map.of()),
                new LocalHostShell("localhost"));
    }

    @Override
    public void close() throws IOException {
        IOException failure = null;
        for (String domain : domains) {
            try {
                if (libvirtd.domains().contains(domain)) {
                    libvirtd.destroyDomain(domain);
                }
            } catch (IOException e) {
                if (failure == null) {
                    failure = e;
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        domains.clear();
        if (failure != null) {
            throw failure;
        }
    }
}
