package org.vbs.plugins.spi;

import java.util.List;

/**
 * Makes a driver for one host from its configuration, as Keycloak's ProviderFactory makes providers.
 * A bundle registers one factory per driver it provides, as an OSGi service of this type with the
 * properties {@value #ID_PROPERTY} and {@value #KIND_PROPERTY}; the core calls {@link #create} once
 * per registered host that names the driver, and {@link AutoCloseable#close()} on the driver (where
 * it is closeable) when the host is deregistered or the bundle goes away.
 *
 * @param <D> the driver contract: {@link org.vbs.plugins.spi.volume.VolumeDriver},
 *        {@link org.vbs.plugins.spi.export.ExportDriver} or
 *        {@link org.vbs.plugins.spi.hypervisor.HypervisorDriver}
 */
@org.osgi.annotation.versioning.ConsumerType
public interface DriverFactory<D> {
    /** Service property: the driver's id, e.g. {@code "file"}, {@code "tgt"}, {@code "qemu"}. */
    String ID_PROPERTY = "vbs.driver.id";
    /** Service property: the driver contract's simple name, e.g. {@code "VolumeDriver"}. */
    String KIND_PROPERTY = "vbs.driver.kind";

    /** A short, stable id an operator names in a host registration. */
    String id();

    /** The contract the drivers implement. */
    Class<D> kind();

    /** The properties a host registration may give this driver, secrets marked. */
    List<ConfigProperty> configProperties();

    /**
     * @param config the host's properties and template overrides for this driver
     * @param shell runs commands on that host
     * @throws DriverException {@code CONFIGURATION} for a missing or invalid property or template
     */
    D create(DriverConfig config, HostShell shell) throws DriverException;

    /**
     * One configuration property.
     *
     * @param secret whether the value must never be logged or shown (it is then masked everywhere)
     */
    record ConfigProperty(String name, String description, boolean required, boolean secret) {
    }
}
