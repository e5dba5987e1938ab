package org.vbs.plugins.vmm.xen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;

/** The names the driver computes and reads back: by-path device names, VBS target names, xl's table. */
class DiskNamesTest {
    private static final String IQN = "iqn.2026-11.org.vbs:vol-0123456789abcdef0";

    @Test
    void shouldNameTheLunAsUdevDoesAndParseItBack() {
        ByPathName name = new ByPathName("192.0.2.10:3260", IQN, 1);

        assertEquals("ip-192.0.2.10:3260-iscsi-" + IQN + "-lun-1", name.fileName());
        assertEquals(Optional.of(name), ByPathName.parse(name.fileName()));
        assertEquals(Optional.of(new ByPathName("host-7.example:3260", "iqn.2026-11.org.vbs:vol-0123456789abcdef0-lun-2",
                12)), ByPathName.parse("ip-host-7.example:3260-iscsi-" + IQN + "-lun-2-lun-12"));
    }

    @Test
    void shouldNotTakeOtherDevicesForIscsiLuns() {
        for (String other : List.of("pci-0000:00:1f.2-ata-1", "ip-192.0.2.10:3260-iscsi-" + IQN + "-lun-1-part1",
                "ip-192.0.2.10:3260-iscsi-" + IQN + "-lun-999", "ip-192.0.2.10:3260-fc-" + IQN + "-lun-1")) {
            assertEquals(Optional.empty(), ByPathName.parse(other), other);
        }
    }

    @Test
    void shouldFindTheVolumeRightAfterThePrefixOnly() {
        VolumeIqns iqns = new VolumeIqns("iqn.2026-11.org.vbs:");

        assertEquals(Optional.of("vol-0123456789abcdef0"), iqns.volumeOf(IQN));
        assertEquals(Optional.of("vol-0123456789abcdef0"), iqns.volumeOf(IQN + "-a2"));
        assertEquals(Optional.empty(), iqns.volumeOf(IQN + "1"), "18 hex digits are no volume id");
        assertEquals(Optional.empty(), iqns.volumeOf("iqn.2010-10.org.other:vol-0123456789abcdef0"));
        assertEquals(Optional.empty(), iqns.volumeOf("iqn.2026-11.org.vbs:x-vol-0123456789abcdef0"));
    }

    @Test
    void shouldReadTheVdevAndBackendOfEachRowOfXlsTable() {
        // Captured from xl (xen-devel list, 2022), trailing blanks on the header as xl prints them.
        String captured = """
                Vdev  BE  handle state evt-ch ring-ref BE-path                      \s
                51712 0   241    4     -1     -1       /local/domain/0/backend/vbd/241/51712
                51840 3   241    3     -1     -1       /local/domain/3/backend/vbd/241/51840
                """;

        assertEquals(List.of(new BlockList.Row("51712", "/local/domain/0/backend/vbd/241/51712"),
                new BlockList.Row("51840", "/local/domain/3/backend/vbd/241/51840")), BlockList.parse(captured).rows());
        assertEquals(List.of(), BlockList.parse(FakeXl.HEADER + "\n").rows());
    }

    @Test
    void shouldRefuseARowThatIsNotXls() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> BlockList.parse("51712 0 241 4 -1 -1 /local/domain/0/backend/vbd/241/51712; reboot\n"));

        assertEquals("not a row of xl block-list: '51712 0 241 4 -1 -1 /local/domain/0/backend/vbd/241/51712;"
                + " reboot'", e.getMessage());
    }

    @Test
    void shouldNumberVdevsAsLibxlDoes() {
        assertEquals(51712, FakeXl.number("xvda"));
        assertEquals(51728, FakeXl.number("xvdb"));
        assertEquals(2064, FakeXl.number("sdb"));
        assertEquals(832, FakeXl.number("hdb"));
    }
}
