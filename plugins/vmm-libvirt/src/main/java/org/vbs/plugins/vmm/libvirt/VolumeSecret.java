package org.vbs.plugins.vmm.libvirt;

import java.nio.charset.StandardCharsets;
import java.util.UUID;
import org.vbs.plugins.spi.ArgType;

/**
 * The libvirt secret that holds one attached volume's CHAP password, named from the volume id alone
 * so that a detach (or another service node, or a retry after a crash) finds it without stored state:
 * a name-based UUID and the iSCSI usage name {@code vbs-chap-<volume id>} the disk's
 * {@code <auth><secret type='iscsi' usage='...'/>} refers to. One attachment of a volume per libvirt
 * host at a time (libvirt allows one secret per usage name).
 */
record VolumeSecret(String volumeId) {
    VolumeSecret {
        ArgType.VOLUME_ID.require("volumeId", volumeId);
    }

    String uuid() {
        return UUID.nameUUIDFromBytes(("org.vbs.plugins.vmm.libvirt:chap:" + volumeId).getBytes(StandardCharsets.UTF_8))
                .toString();
    }

    String usage() {
        return "vbs-chap-" + volumeId;
    }
}
