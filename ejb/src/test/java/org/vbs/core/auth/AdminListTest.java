package org.vbs.core.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.vbs.core.api.RequestContext;
import org.vbs.security.Fqan;
import org.vbs.security.GridIdentity;

class AdminListTest {
    private static final GridIdentity ALICE = GridIdentity.parse("CN=Alice,OU=ops,O=Grid");
    private static final GridIdentity CAROL = GridIdentity.parse("CN=Carol,OU=ops,O=Grid");
    private static final GridIdentity BOB = GridIdentity.parse("CN=Bob,OU=vbs,O=Grid");

    @TempDir
    Path dir;

    @Test
    void shouldHaveNoAdministratorsWithoutAFile() {
        assertFalse(new AdminList(dir.resolve("admins")).isAdmin(caller(ALICE)));
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

        assertTrue(admins.isAdmin(caller(ALICE)));
        assertTrue(admins.isAdmin(caller(CAROL)));
        assertFalse(admins.isAdmin(caller(BOB)));
    }

    @Test
    void shouldSeeAnEditWithoutARestart() throws Exception {
        Path file = dir.resolve("admins");
        AdminList admins = new AdminList(file);
        assertFalse(admins.isAdmin(caller(BOB)));
        Files.writeString(file, "CN=Bob,OU=vbs,O=Grid\n");
        assertTrue(admins.isAdmin(caller(BOB)));
    }

    /**
     * An FQAN line names the callers holding exactly that group and role: a role line is not a
     * group line, a group line names no subgroup and no role, and the full form reads as the short.
     */
    @ParameterizedTest(name = "line {0}, caller holding {1}: {2}")
    @CsvSource(delimiter = '|', value = {
            "/myvo/Role=storage-admin                  | /myvo/Role=NULL/Capability=NULL,/myvo/Role=storage-admin/Capability=NULL | true",
            "/myvo/Role=storage-admin/Capability=NULL  | /myvo/Role=storage-admin/Capability=NULL                                 | true",
            "/myvo/Role=storage-admin                  | /myvo/Role=NULL/Capability=NULL                                          | false",
            "/myvo                                     | /myvo/Role=NULL/Capability=NULL                                          | true",
            "/myvo/Role=NULL                           | /myvo/Role=NULL/Capability=NULL                                          | true",
            "/myvo                                     | /myvo/Role=storage-admin/Capability=NULL                                 | false",
            "/myvo                                     | /myvo/ops/Role=NULL/Capability=NULL                                      | false",
            "/myvo/ops                                 | /myvo/Role=NULL/Capability=NULL                                          | false",
            "/myvo/Role=storage-admin                  | /myvo/ops/Role=storage-admin/Capability=NULL                             | false",
            "/othervo/Role=storage-admin               | /myvo/Role=storage-admin/Capability=NULL                                 | false"})
    void shouldMatchAnFqanLineExactlyByGroupAndRole(String line, String held, boolean admin) throws Exception {
        AdminList admins = new AdminList(Files.writeString(dir.resolve("admins"), line + "\n"));
        List<Fqan> fqans = Arrays.stream(held.split(",")).map(Fqan::parse).toList();

        assertEquals(admin, admins.isAdmin(new RequestContext("req", BOB, fqans)));
    }

    @Test
    void shouldNeverTakeAnFqanLineForADnNorGrantByFqanWhatTheCallerDoesNotHold() throws Exception {
        AdminList admins = new AdminList(Files.writeString(dir.resolve("admins"), String.join("\n",
                "/myvo/Role=storage-admin", "/my vo/Role=admin", "/O=Grid/OU=ops/CN=Alice", "")));

        assertTrue(admins.isAdmin(caller(ALICE)));
        assertFalse(admins.isAdmin(caller(BOB)));
        assertFalse(admins.isAdmin(new RequestContext("req", BOB, List.of(Fqan.parse("/my/Role=admin")))));
    }

    private static RequestContext caller(GridIdentity dn) {
        return new RequestContext("req", dn);
    }
}
