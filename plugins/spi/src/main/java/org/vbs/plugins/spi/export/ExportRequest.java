package org.vbs.plugins.spi.export;

import java.nio.file.Path;
import java.util.Objects;
import org.vbs.plugins.spi.ArgType;

/**
 * Export one volume for one attachment.
 *
 * @param targetIqn the target's name, chosen by the core (one target per attachment)
 * @param volumeId the volume behind the target's LUN
 * @param backingPath the volume's file or device on the volume server
 *        ({@link org.vbs.plugins.spi.volume.VolumeDriver#backingPath})
 * @param initiatorIqn the only initiator name the target admits
 * @param initiatorAddress the only address the target admits
 * @param chap the accounts the login must use
 */
public record ExportRequest(String targetIqn, String volumeId, Path backingPath, String initiatorIqn,
                            String initiatorAddress, ChapCredentials chap) {
    public ExportRequest {
        ArgType.IQN.require("targetIqn", targetIqn);
        ArgType.VOLUME_ID.require("volumeId", volumeId);
        ArgType.PATH.require("backingPath", String.valueOf(backingPath));
        ArgType.IQN.require("initiatorIqn", initiatorIqn);
        ArgType.HOST.require("initiatorAddress", initiatorAddress);
        Objects.requireNonNull(chap, "chap");
    }
}
