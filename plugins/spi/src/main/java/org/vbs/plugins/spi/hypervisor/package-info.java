/**
 * Hypervisor drivers: connect an exported iSCSI target to a running VM as a disk, and take it away
 * again (QEMU over QMP, libvirt, Xen). Cinder's host-side connector and Nova's volume attach in one.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("2.0.0")
package org.vbs.plugins.spi.hypervisor;
