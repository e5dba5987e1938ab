package org.vbs.plugins.export.tgt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.vbs.plugins.spi.CommandTemplates;
import org.vbs.plugins.spi.DriverException;

/** The bundle's command templates: every key the driver runs is there, and values stay single argv elements. */
class TgtadmTemplatesTest {

    @Test
    void shouldDefineEveryTemplateTheDriverRuns() throws DriverException {
        CommandTemplates templates = Tgtadm.templates(Map.of());

        for (String key : Tgtadm.KEYS) {
            assertEquals(key, templates.get(key).key());
        }
    }

    @Test
    void shouldRenderTheAccountCommandWithThePasswordAsOneArgument() throws DriverException {
        CommandTemplates templates = Tgtadm.templates(Map.of());
        Map<String, String> values = new HashMap<>(Map.of("control", "12", "lld", "iscsi", "user", "vbs-u1",
                "password", "Abcdefgh1234-x"));

        List<String> argv = templates.get(Tgtadm.ACCOUNT_NEW).render(values);

        assertEquals(List.of("tgtadm", "-C", "12", "--lld", "iscsi", "--mode", "account", "--op", "new", "--user",
                "vbs-u1", "--password", "Abcdefgh1234-x"), argv);
    }

    @Test
    void shouldRefuseValuesThatWouldBecomeOptionsOrSecondArguments() throws DriverException {
        CommandTemplates templates = Tgtadm.templates(Map.of());
        Map<String, String> values = new HashMap<>(Map.of("control", "0", "lld", "iscsi", "tid", "1", "lun", "1"));

        for (String path : List.of("relative.img", "/vol/a b.img", "/vol/../etc/shadow", "/vol/x.img --bstype null")) {
            values.put("path", path);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> templates.get(Tgtadm.LUN_NEW).render(values));
            assertTrue(e.getMessage().contains("<path>"), e.getMessage());
        }
        values.put("tid", "1 --force");
        assertThrows(IllegalArgumentException.class, () -> templates.get(Tgtadm.TARGET_DELETE).render(values));
    }
}
