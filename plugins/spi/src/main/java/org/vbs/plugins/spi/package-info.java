/**
 * The contract between the VBS service core and its storage plugins.
 *
 * <p>Plugins see only this package: small value records, typed capabilities, one exception type.
 * No EE, cache or OSGi framework types appear here, so a driver can be unit-tested with plain
 * JUnit and the core can change its storage of metadata without touching any plugin.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.0.0")
package org.vbs.plugins.spi;
