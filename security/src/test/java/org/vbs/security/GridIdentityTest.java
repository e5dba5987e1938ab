package org.vbs.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.vbs.security.pki.DevPki;

class GridIdentityTest {

    @Test
    void shouldReadSlashFormAndRfc2253AsTheSameIdentity() {
        GridIdentity slash = GridIdentity.parse("/O=Grid/OU=vbs/CN=Jane Doe");
        GridIdentity rfc2253 = GridIdentity.parse("CN=Jane Doe,OU=vbs,O=Grid");

        assertEquals(rfc2253, slash);
        assertEquals("CN=Jane Doe,OU=vbs,O=Grid", slash.dn());
        assertEquals(new GridIdentity("CN=Jane Doe, OU=vbs, O=Grid"), slash);
    }

    @Test
    void shouldIgnoreKeywordCaseAndSpacingButNotOrder() {
        assertEquals(GridIdentity.parse("CN=Jane,OU=vbs,O=Grid"), GridIdentity.parse("  cn=Jane,  ou=vbs , o=Grid "));
        assertNotEquals(GridIdentity.parse("/O=Grid/CN=Jane"), GridIdentity.parse("/CN=Jane/O=Grid"));
        assertNotEquals(GridIdentity.parse("/O=Grid/CN=Jane"), GridIdentity.parse("/O=Grid/CN=jane"));
    }

    @Test
    void shouldKeepSlashesInsideValuesAsGridHostNamesHaveThem() {
        GridIdentity host = GridIdentity.parse("/O=Grid/OU=vbs/CN=host/vbs.example.org");

        assertEquals("CN=host/vbs.example.org,OU=vbs,O=Grid", host.dn());
    }

    @Test
    void shouldEscapeRfc2253SpecialCharactersOfSlashFormValues() {
        GridIdentity identity = GridIdentity.parse("/O=Acme, Inc./CN=Jane+Doe;x=1");

        assertEquals(new GridIdentity("CN=Jane\\+Doe\\;x\\=1,O=Acme\\, Inc."), identity);
        assertEquals(2, identity.principal().getName().split("(?<!\\\\),").length);
    }

    @Test
    void shouldReadMultiValuedRdnsOfSlashForm() {
        assertEquals(new GridIdentity("CN=Jane+UID=jdoe,DC=example,DC=org"),
                GridIdentity.parse("/DC=org/DC=example/CN=Jane+UID=jdoe"));
    }

    @Test
    void shouldMatchTheSubjectOfACertificateIssuedForTheSlashFormDn() {
        String slash = "/DC=org/DC=example/O=Grid/CN=Jane Doe/emailAddress=jane@example.org";
        var certificate = DevPki.newCa("CN=Test CA").issueUser(slash).certificate();

        assertEquals(GridIdentity.parse(slash), GridIdentity.of(certificate.getSubjectX500Principal()));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "   ", "/", "/CN", "/=x", "Jane Doe", "CN=x,,O=y"})
    void shouldRefuseTextThatIsNoDn(String text) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> GridIdentity.parse(text));

        assertTrue(e.getMessage().contains(text.strip()), e.getMessage());
    }

    @Test
    void shouldSurviveJavaSerializationAsTheCacheStoresIt() throws IOException, ClassNotFoundException {
        GridIdentity identity = GridIdentity.parse("/O=Grid/OU=vbs/CN=Jane");
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(identity);
        }
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            assertEquals(identity, in.readObject());
        }
    }
}
