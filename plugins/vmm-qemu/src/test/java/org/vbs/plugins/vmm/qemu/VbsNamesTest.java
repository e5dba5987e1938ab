package org.vbs.plugins.vmm.qemu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;

import org.junit.jupiter.api.Test;

/** The names an attachment's pieces get in the VM, and reading a device id back. */
class VbsNamesTest {
    private static final String VOLUME = "vol-0123456789abcdef0";

    @Test
    void shouldDeriveEveryNameFromTheVolumeIdWithinQemusLimits() {
        VbsNames names = VbsNames.of(VOLUME, "/dev/sdb");

        assertEquals("vbss-" + VOLUME, names.secretId());
        assertEquals("vbsn-" + VOLUME, names.nodeName());
        assertEquals("vbsd-" + VOLUME + "-sdb", names.deviceId());
        assertTrue(names.nodeName().length() <= 31, "QEMU's node names hold at most 31 characters");
    }

    @Test
    void shouldReadTheVolumeAndGuestDeviceBackFromItsOwnDeviceIdsOnly() {
        assertEquals(Optional.of(new VbsNames(VOLUME, "sdc")), VbsNames.parseDeviceId("vbsd-" + VOLUME + "-sdc"));
        assertEquals(Optional.empty(), VbsNames.parseDeviceId("scsi0"));
        assertEquals(Optional.empty(), VbsNames.parseDeviceId("vbsd-" + VOLUME));
        assertEquals(Optional.empty(), VbsNames.parseDeviceId("vbsd-vol-0123456789ABCDEF0-sdc"));
    }

    @Test
    void shouldRefuseWhatCannotBecomePartOfAQemuId() {
        assertEquals(Optional.empty(), VbsNames.plainGuestDevice("/dev/disk/by-id/x"));
        assertEquals(Optional.empty(), VbsNames.plainGuestDevice("sdb;x"));
        assertThrows(IllegalArgumentException.class, () -> VbsNames.of("vol-../../x", "sdb"));
    }
}
