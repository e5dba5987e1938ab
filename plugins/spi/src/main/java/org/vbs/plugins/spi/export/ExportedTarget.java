package org.vbs.plugins.spi.export;

import org.vbs.plugins.spi.ArgType;

/**
 * A target an export driver made: where an initiator logs in.
 *
 * @param iqn the target's name
 * @param portal {@code host:port} of the iSCSI portal
 * @param lun the LUN holding the volume
 * @param volumeId the volume behind it
 */
public record ExportedTarget(String iqn, String portal, int lun, String volumeId) {
    public ExportedTarget {
        ArgType.IQN.require("iqn", iqn);
        ArgType.HOST.require("portal", portal);
        ArgType.VOLUME_ID.require("volumeId", volumeId);
        if (lun < 0 || lun > 255) {
            throw new IllegalArgumentException("lun must be 0..255: " + lun);
        }
    }
}
