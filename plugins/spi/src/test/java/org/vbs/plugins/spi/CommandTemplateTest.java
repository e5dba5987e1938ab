package org.vbs.plugins.spi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Templates render to argv arrays whose every value passed its type: no user text becomes a shell word. */
class CommandTemplateTest {
    private static final Map<String, ArgType> XEN = Map.of("domain", ArgType.INSTANCE, "dev", ArgType.DEVICE,
            "guestDev", ArgType.DEVICE);

    @Test
    void shouldRenderTheSeedsTemplateToOneArgvElementPerWord() {
        CommandTemplate attach = CommandTemplate.parse("blockAttachCmd",
                "xl block-attach <domain> phy:<dev> <guestDev> w", XEN);

        List<String> argv = attach.render(Map.of("domain", "vm-42", "dev", "/dev/sdc", "guestDev", "xvdb"));

        assertEquals(List.of("xl", "block-attach", "vm-42", "phy:/dev/sdc", "xvdb", "w"), argv);
        assertEquals(java.util.Set.of("domain", "dev", "guestDev"), attach.placeholders());
    }

    @Test
    void shouldRefuseValuesThatAreNotOfThePlaceholdersType() {
        CommandTemplate attach = CommandTemplate.parse("blockAttachCmd",
                "xl block-attach <domain> phy:<dev> <guestDev> w", XEN);
        List<String> hostile = List.of("vm; rm -rf /", "$(reboot)", "vm 42", "-v", "--force", "vm\n42", "`id`", "",
                "a".repeat(65), "../etc", "vm|x", "vm&", "vm>x");

        for (String domain : hostile) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> attach.render(Map.of("domain", domain, "dev", "/dev/sdc", "guestDev", "xvdb")), domain);
            assertTrue(e.getMessage().contains("<domain>") && e.getMessage().contains("INSTANCE"), e.getMessage());
        }
    }

    @Test
    void shouldRefuseATemplateNamingAnUndeclaredPlaceholder() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> CommandTemplate.parse("blockAttachCmd", "xl block-attach <domian> phy:<dev> <guestDev> w", XEN));

        assertTrue(e.getMessage().contains("<domian>") && e.getMessage().contains("blockAttachCmd"), e.getMessage());
    }

    @Test
    void shouldRefuseStrayBracketsAPlaceholderProgramAndAnEmptyTemplate() {
        assertThrows(IllegalArgumentException.class, () -> CommandTemplate.parse("t", "xl <domain", XEN));
        assertThrows(IllegalArgumentException.class, () -> CommandTemplate.parse("t", "xl domain> x", XEN));
        assertThrows(IllegalArgumentException.class, () -> CommandTemplate.parse("t", "<domain> list", XEN));
        assertThrows(IllegalArgumentException.class, () -> CommandTemplate.parse("t", "  ", XEN));
    }

    @Test
    void shouldRefuseRenderingWithoutAValueForAUsedPlaceholder() {
        CommandTemplate detach = CommandTemplate.parse("blockDetachCmd", "xl block-detach <domain> <guestDev>", XEN);

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> detach.render(Map.of("domain", "vm-42")));

        assertTrue(e.getMessage().contains("<guestDev>"), e.getMessage());
    }

    @Test
    void shouldAcceptLibvirtConnectionUrisAndNothingThatCouldBecomeAnOptionOrTwoWords() {
        for (String uri : List.of("qemu:///system", "qemu+ssh://root@kvm7.example.org:2222/system",
                "qemu+unix:///system?socket=/tmp/junit1/libvirt/sock/libvirt-sock", "xen:///", "test:///default",
                "qemu+tcp://[fd00::7]:16509/system?keyfile=/etc/k&no_verify=1")) {
            assertTrue(ArgType.URI.accepts(uri), uri);
        }
        for (String uri : List.of("-c", "--connect=qemu:///system", "qemu:///system x", "qemu:///system;id",
                "qemu:///$(id)", "qemu:///`id`", "qemu:///system'", "/system", "qemu:/system", "QEMU:///system",
                "qemu:///system\n", "qemu:///system?socket=/a b")) {
            assertFalse(ArgType.URI.accepts(uri), uri);
        }
    }

    @Test
    void shouldAcceptOnlyWellFormedValuesPerType() {
        assertTrue(ArgType.VOLUME_ID.accepts("vol-0123456789abcdef0"));
        assertFalse(ArgType.VOLUME_ID.accepts("vol-0123456789ABCDEF0"));
        assertTrue(ArgType.IQN.accepts("iqn.2026-11.org.vbs:vol-0123456789abcdef0.a1"));
        assertFalse(ArgType.IQN.accepts("iqn.2026-11.org.vbs:x y"));
        assertTrue(ArgType.PATH.accepts("/var/lib/vbs/pool/volumes/vol-0123456789abcdef0.img"));
        assertFalse(ArgType.PATH.accepts("/var/lib/../../etc/shadow"));
        assertFalse(ArgType.PATH.accepts("relative/path"));
        assertTrue(ArgType.NUMBER.accepts("1073741824"));
        assertFalse(ArgType.NUMBER.accepts("+1"));
        assertFalse(ArgType.NUMBER.accepts("\u0661"));
        assertTrue(ArgType.HOST.accepts("10.0.0.7:3260"));
        assertTrue(ArgType.HOST.accepts("[fd00::7]:3260"));
        assertFalse(ArgType.HOST.accepts("-oProxyCommand=x"));
        assertTrue(ArgType.DEVICE.accepts("sdb"));
        assertFalse(ArgType.DEVICE.accepts("-sdb"));
    }

    @Test
    void shouldLoadBundleDefaultsAndTheOperatorsOverridesAndRefuseUnknownOnes() throws Exception {
        Map<String, ArgType> types = Map.of("path", ArgType.PATH);

        CommandTemplates defaults = CommandTemplates.load(getClass(), "/test-commands.properties", types, Map.of());
        CommandTemplates overridden = CommandTemplates.load(getClass(), "/test-commands.properties", types,
                Map.of("listCmd", "ls -l -- <path>"));

        assertEquals(List.of("ls", "--", "/tmp"), defaults.get("listCmd").render(Map.of("path", "/tmp")));
        assertEquals(List.of("ls", "-l", "--", "/tmp"), overridden.get("listCmd").render(Map.of("path", "/tmp")));
        DriverException unknown = assertThrows(DriverException.class, () -> CommandTemplates.load(getClass(),
                "/test-commands.properties", types, Map.of("lsitCmd", "ls")));
        assertEquals(DriverException.Code.CONFIGURATION, unknown.code());
        assertTrue(unknown.getMessage().contains("lsitCmd"), unknown.getMessage());
        DriverException bad = assertThrows(DriverException.class, () -> CommandTemplates.load(getClass(),
                "/test-commands.properties", types, Map.of("listCmd", "ls <dir>")));
        assertTrue(bad.getMessage().contains("operator"), bad.getMessage());
    }

    @Test
    void shouldNeverShowASecretsValue() {
        try (Secret secret = Secret.of("s3cr3t-chap-pw".toCharArray())) {
            assertFalse(secret.toString().contains("s3cr3t"));
            assertFalse(Command.of("tgtadm").withStdin("s3cr3t-chap-pw".getBytes()).toString().contains("s3cr3t"));
            secret.close();
            assertThrows(IllegalStateException.class, secret::reveal);
        }
    }
}
