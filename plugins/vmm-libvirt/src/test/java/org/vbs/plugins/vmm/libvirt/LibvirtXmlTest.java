package org.vbs.plugins.vmm.libvirt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.vbs.plugins.spi.Secret;
import org.vbs.plugins.spi.export.ChapCredentials;
import org.vbs.plugins.spi.export.ExportedTarget;
import org.vbs.plugins.spi.hypervisor.DeviceAttachRequest;
import org.vbs.plugins.testkit.tools.LibvirtDomainView;
import org.w3c.dom.Element;

/**
 * The driver's XML: what it builds (read back with a parser, not compared as text) and what it reads
 * from {@code virsh dumpxml} (output captured from the real virsh 9.0 of a domain with a plain file
 * disk and a disk this driver's attach made).
 */
class LibvirtXmlTest {
    private static final String VOLUME = "vol-0123456789abcdef0";

    @Test
    void shouldFindOnlyTheDisksWhoseSerialIsAVolumeIdInRealDumpxmlOutput() throws IOException {
        List<VbsDisk> disks = LibvirtXml.vbsDisks(resource("dumpxml-two-disks.xml"));

        assertEquals(1, disks.size(), disks.toString());
        assertEquals(VOLUME, disks.get(0).volumeId());
        assertEquals("sdb", disks.get(0).targetDev());
        Element disk = LibvirtDomainView.elements(disks.get(0).xml(), "disk").get(0);
        assertEquals("network", disk.getAttribute("type"));
        assertEquals("scsi0-0-0-1", ((Element) disk.getElementsByTagName("alias").item(0)).getAttribute("name"),
                "the element as libvirt has it, for detach-device");
    }

    @Test
    void shouldBuildTheNetworkDiskWithEveryValueInItsPlace() throws IOException {
        DeviceAttachRequest request = new DeviceAttachRequest("vm-1", "sdb", new ExportedTarget(
                "iqn.2026-12.org.vbs.test:" + VOLUME, "[fd00::7]:3261", 3, VOLUME), "iqn.2026-12.org.vbs.test:host-1",
                new ChapCredentials("u-1", Secret.of("s3cret-value-0123".toCharArray()), Optional.empty(),
                        Optional.empty()));
        VolumeSecret secret = new VolumeSecret(VOLUME);

        String xml = LibvirtXml.networkDisk(request, "sdb", secret);

        assertFalse(xml.contains("s3cret-value-0123"), xml);
        Element disk = LibvirtDomainView.elements(xml, "disk").get(0);
        assertEquals("network", disk.getAttribute("type"));
        assertEquals("iqn.2026-12.org.vbs.test:" + VOLUME + "/3", attribute(disk, "source", "name"));
        assertEquals("fd00::7", attribute(disk, "host", "name"));
        assertEquals("3261", attribute(disk, "host", "port"));
        assertEquals("iqn.2026-12.org.vbs.test:host-1", attribute(disk, "iqn", "name"));
        assertEquals("u-1", attribute(disk, "auth", "username"));
        assertEquals(secret.usage(), attribute(disk, "secret", "usage"));
        assertEquals("sdb", attribute(disk, "target", "dev"));
        assertEquals("scsi", attribute(disk, "target", "bus"));
        assertEquals(VOLUME,
                LibvirtXml.vbsDisks("<domain><devices>" + xml + "</devices></domain>").get(0).volumeId());
    }

    @Test
    void shouldDefineAnEphemeralPrivateIscsiSecretNamedFromTheVolume() throws IOException {
        VolumeSecret secret = new VolumeSecret(VOLUME);

        Element root = LibvirtDomainView.elements(LibvirtXml.secretDefinition(secret), "secret").get(0);

        assertEquals("yes", root.getAttribute("ephemeral"));
        assertEquals("yes", root.getAttribute("private"));
        assertEquals(secret.uuid(), root.getElementsByTagName("uuid").item(0).getTextContent());
        assertEquals("iscsi", attribute(root, "usage", "type"));
        assertEquals("vbs-chap-" + VOLUME, root.getElementsByTagName("target").item(0).getTextContent());
        assertEquals(secret.uuid(), new VolumeSecret(VOLUME).uuid(), "the same volume, the same secret");
        assertNotEquals(secret.uuid(), new VolumeSecret("vol-0123456789abcdef1").uuid());
    }

    @Test
    void shouldRefuseADocumentWithADoctypeOrThatIsNoDomain() {
        String entity = "<!DOCTYPE domain [<!ENTITY x SYSTEM \"file:///etc/passwd\">]><domain><devices>&x;</devices>"
                + "</domain>";

        assertTrue(assertThrows(IllegalArgumentException.class, () -> LibvirtXml.vbsDisks(entity)).getMessage()
                .contains("DOCTYPE"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> LibvirtXml.vbsDisks("<secret/>")).getMessage()
                .contains("<secret>"));
        assertThrows(IllegalArgumentException.class, () -> LibvirtXml.vbsDisks("error: failed to get domain 'x'"));
    }

    @Test
    void shouldReadPortalsWithAndWithoutAPort() {
        assertEquals(new LibvirtXml.Portal("10.0.0.7", 3260), LibvirtXml.Portal.parse("10.0.0.7:3260"));
        assertEquals(new LibvirtXml.Portal("vs1.example.org", 3260), LibvirtXml.Portal.parse("vs1.example.org"));
        assertEquals(new LibvirtXml.Portal("fd00::7", 3260), LibvirtXml.Portal.parse("[fd00::7]"));
        assertEquals(new LibvirtXml.Portal("fd00::7", 13260), LibvirtXml.Portal.parse("[fd00::7]:13260"));
    }

    private static String attribute(Element parent, String child, String name) {
        return ((Element) parent.getElementsByTagName(child).item(0)).getAttribute(name);
    }

    private static String resource(String name) throws IOException {
        try (InputStream in = LibvirtXmlTest.class.getResourceAsStream(name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
