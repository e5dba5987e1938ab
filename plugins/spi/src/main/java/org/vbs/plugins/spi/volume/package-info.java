/**
 * Volume backends: the bytes behind volumes and snapshots on a volume server (files, LVM, qcow2, ...).
 * Cinder's volume driver, without the export and the host-side connector, which are their own contracts.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("2.1.0")
package org.vbs.plugins.spi.volume;
