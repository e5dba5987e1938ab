package org.vbs.security.grid;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vbs.security.GridIdentity;

class GridMapFileTest {
    private static final GridIdentity JANE = GridIdentity.parse("CN=Jane Doe,OU=vbs,O=Grid");
    private static final GridIdentity JOHN = GridIdentity.parse("CN=John Roe,OU=vbs,O=Grid");

    @TempDir
    Path dir;

    @Test
    void shouldAdmitEveryoneWithoutAFile() {
        assertTrue(new GridMapFile(dir.resolve("grid-mapfile")).admits(JANE));
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

        assertTrue(map.admits(JANE));
        assertFalse(map.admits(JOHN));
    }

    @Test
    void shouldApplyAnEditToTheNextCheck() throws Exception {
        Path file = Files.writeString(dir.resolve("grid-mapfile"), "\"CN=Jane Doe,OU=vbs,O=Grid\" jane\n");
        GridMapFile map = new GridMapFile(file);
        assertFalse(map.admits(JOHN));

        Files.writeString(file, "\"/O=Grid/OU=vbs/CN=John Roe\" john\n");
        Files.setLastModifiedTime(file, FileTime.from(Instant.now().plusSeconds(5)));

        assertTrue(map.admits(JOHN));
        assertFalse(map.admits(JANE));
        Files.delete(file);
        assertTrue(map.admits(JANE), "no file: no restriction");
    }
}
