/**
 * The contract between the VBS service core and its plugins, version 2.
 *
 * <p>This package holds what every kind of driver shares: the one exception type
 * ({@link org.vbs.plugins.spi.DriverException}), the way a driver is made from its configuration
 * ({@link org.vbs.plugins.spi.DriverFactory}), the way it reaches its host
 * ({@link org.vbs.plugins.spi.HostShell}, argv arrays only, with a timeout) and the command templates
 * operators may override ({@link org.vbs.plugins.spi.CommandTemplate}). The three driver contracts
 * live in their own packages, as Cinder splits driver, target and connector:
 * {@code volume} (the bytes), {@code export} (the iSCSI target) and {@code hypervisor} (the VM side).
 *
 * <p>No EE, cache or OSGi framework types appear here, so a driver can be unit-tested with plain JUnit.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("2.1.0")
package org.vbs.plugins.spi;
