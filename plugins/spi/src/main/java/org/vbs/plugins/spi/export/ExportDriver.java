package org.vbs.plugins.spi.export;

import java.util.List;
import org.vbs.plugins.spi.DriverException;

/**
 * Makes volumes reachable as iSCSI targets on one volume server: one target per attachment, a LUN
 * backed by the volume, an initiator ACL and CHAP accounts. Secrets reach the target's tools by stdin
 * or a 0600 file wherever the tool allows, are never logged, and are removed with the target.
 *
 * <p>Calls for one volume server may come from several threads: the driver serializes what its tool
 * cannot do concurrently. A failed {@link #export} leaves no target and no account behind.
 */
@org.osgi.annotation.versioning.ConsumerType
public interface ExportDriver {

    /** Makes the target. Exporting an IQN that already exists for the same volume returns it unchanged. */
    ExportedTarget export(ExportRequest request) throws DriverException;

    /**
     * Removes the target (ending any session), its LUN, its ACL and its CHAP accounts. Removing a
     * target that does not exist succeeds.
     */
    void unexport(String targetIqn) throws DriverException;

    /** The targets this driver made on its volume server (for the reconciler). */
    List<ExportedTarget> exports() throws DriverException;
}
