package org.vbs.security.grid;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vbs.security.Fqan;
import org.vbs.security.GridIdentity;

class GridMapFileTest {
    private static final GridIdentity JANE = GridIdentity.parse("CN=Jane Doe,OU=vbs,O=Grid");
    private static final GridIdentity JOHN = GridIdentity.parse("CN=John Roe,OU=vbs,O=Grid");

    @TempDir
    Path dir;

    @Test
    void shouldAdmitEveryoneWithoutAFile() {
        assertTrue(new GridMapFile(dir.resolve("grid-mapfile")).admits(JANE, List.of()));
    }

    @Test
    void shouldAdmitOnlyTheListedDnsInEitherSpellingAndSkipWhatIsNoEntry() throws Exception {
        Path file = Files.writeString(dir.resolve("grid-mapfile"), """
                # site users
                "/O=Grid/OU=vbs/CN=Jane Doe" vbsuser,.vbs
                not an entry at all
                "not a DN" someone
                """);
        GridMapFile map = new GridMapFile(file);

        assertTrue(map.admits(JANE, List.of()));
        assertFalse(map.admits(JOHN, List.of()));
    }

    @Test
    void shouldAdmitTheHoldersOfAListedFqanAndOnlyOfThatGroupAndRole() throws Exception {
        Path file = Files.writeString(dir.resolve("grid-mapfile"), """
                "/myvo/Role=storage-admin/Capability=NULL" .myvo
                "/othervo" .othervo
                "/myvo/Role=" broken
                """);
        GridMapFile map = new GridMapFile(file);

        assertTrue(map.admits(JOHN, List.of(Fqan.parse("/myvo"), Fqan.parse("/myvo/Role=storage-admin"))));
        assertTrue(map.admits(JOHN, List.of(Fqan.parse("/othervo/Role=NULL/Capability=NULL"))));
        assertFalse(map.admits(JOHN, List.of(Fqan.parse("/myvo"))), "a member without the role");
        assertFalse(map.admits(JOHN, List.of(Fqan.parse("/myvo/sub/Role=storage-admin"))), "a subgroup's role");
        assertFalse(map.admits(JOHN, List.of(Fqan.parse("/othervo/Role=admin"))), "a role of a listed group");
        assertFalse(map.admits(JOHN, List.of()), "no attributes");
    }

    @Test
    void shouldApplyAnEditToTheNextCheck() throws Exception {
        Path file = Files.writeString(dir.resolve("grid-mapfile"), "\"CN=Jane Doe,OU=vbs,O=Grid\" jane\n");
        GridMapFile map = new GridMapFile(file);
        assertFalse(map.admits(JOHN, List.of()));

        Files.writeString(file, "\"/O=Grid/OU=vbs/CN=John Roe\" john\n");
        Files.setLastModifiedTime(file, FileTime.from(Instant.now().plusSeconds(5)));

        assertTrue(map.admits(JOHN, List.of()));
        assertFalse(map.admits(JANE, List.of()));
        Files.delete(file);
        assertTrue(map.admits(JANE, List.of()), "no file: no restriction");
    }
}
