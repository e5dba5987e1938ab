package org.vbs.plugins.vmm.libvirt;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import org.vbs.plugins.spi.ArgType;
import org.vbs.plugins.spi.DriverConfig;
import org.vbs.plugins.spi.DriverException;
import org.vbs.plugins.spi.DriverFactory.ConfigProperty;

/**
 * The libvirt driver's configuration on one hypervisor host.
 *
 * @param uri the connection URI virsh uses ({@code -c}), e.g. {@code qemu:///system}
 * @param commandTimeout how long one virsh call may take (the first connection to a freshly started
 *        libvirtd waits for its QEMU capability probe, ~8 s here)
 * @param detachTimeout how long a detach waits for the disk to leave the live domain XML
 */
record LibvirtSettings(String uri, Duration commandTimeout, Duration detachTimeout) {
    static final String URI = "uri";
    static final String COMMAND_TIMEOUT_MILLIS = "commandTimeoutMillis";
    static final String DETACH_TIMEOUT_MILLIS = "detachTimeoutMillis";
    static final String DEFAULT_URI = "qemu:///system";

    static final List<ConfigProperty> PROPERTIES = List.of(
            new ConfigProperty(URI, "libvirt connection URI for virsh -c (default " + DEFAULT_URI + ")", false, false),
            new ConfigProperty(COMMAND_TIMEOUT_MILLIS, "bound on each virsh call in ms (default 60000)", false, false),
            new ConfigProperty(DETACH_TIMEOUT_MILLIS, "how long a detach waits for the disk to leave the domain, in"
                    + " ms (default 10000)", false, false));

    LibvirtSettings {
        ArgType.URI.require(URI, uri);
        Objects.requireNonNull(commandTimeout, "commandTimeout");
        Objects.requireNonNull(detachTimeout, "detachTimeout");
    }

    /** @throws DriverException {@code CONFIGURATION} naming the host and the bad property */
    static LibvirtSettings from(DriverConfig config) throws DriverException {
        String uri = config.property(URI).orElse(DEFAULT_URI);
        if (!ArgType.URI.accepts(uri)) {
            throw config.invalid(URI, uri, "a libvirt connection URI such as " + DEFAULT_URI);
        }
        return new LibvirtSettings(uri, config.millis(COMMAND_TIMEOUT_MILLIS, 60_000),
                config.millis(DETACH_TIMEOUT_MILLIS, 10_000));
    }
}
