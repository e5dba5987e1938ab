package org.vbs.core.auth;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vbs.security.GridIdentity;

class AdminListTest {
    private static final GridIdentity ALICE = GridIdentity.parse("CN=Alice,OU=ops,O=Grid");
    private static final GridIdentity CAROL = GridIdentity.parse("CN=Carol,OU=ops,O=Grid");
    private static final GridIdentity BOB = GridIdentity.parse("CN=Bob,OU=vbs,O=Grid");

    @TempDir
    Path dir;

    @Test
    void shouldHaveNoAdministratorsWithoutAFile() {
        assertFalse(new AdminList(dir.resolve("admins")).isAdmin(ALICE));
    }

    @Test
    void shouldReadBothDnFormsAndSkipCommentsBlankAndBadLines() throws Exception {
        Path file = Files.writeString(dir.resolve("admins"), String.join("\n",
                "# operators",
                "",
                "CN=Alice, OU=ops, O=Grid",
                "not a DN at all",
                "  /O=Grid/OU=ops/CN=Carol  ",
                ""));
        AdminList admins = new AdminList(file);

        assertTrue(admins.isAdmin(ALICE));
        assertTrue(admins.isAdmin(CAROL));
        assertFalse(admins.isAdmin(BOB));
    }

    @Test
    void shouldSeeAnEditWithoutARestart() throws Exception {
        Path file = dir.resolve("admins");
        AdminList admins = new AdminList(file);
        assertFalse(admins.isAdmin(BOB));
        Files.writeString(file, "CN=Bob,OU=vbs,O=Grid\n");
        assertTrue(admins.isAdmin(BOB));
    }
}
