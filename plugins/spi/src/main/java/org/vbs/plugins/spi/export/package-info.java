/**
 * Export drivers: make a volume reachable over iSCSI, guarded by CHAP and an initiator ACL (tgt, LIO).
 * Cinder's target helper.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("2.0.0")
package org.vbs.plugins.spi.export;
