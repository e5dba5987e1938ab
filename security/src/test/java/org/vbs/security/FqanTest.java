package org.vbs.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class FqanTest {
    @ParameterizedTest
    @ValueSource(strings = {"/myvo/Role=storage-admin/Capability=NULL", "/myvo/Role=storage-admin"})
    void shouldReadTheFullAndTheShortFormOfARole(String text) {
        assertEquals(new Fqan("/myvo", Optional.of("storage-admin")), Fqan.parse(text));
    }

    @ParameterizedTest
    @ValueSource(strings = {"/myvo/sub/Role=NULL/Capability=NULL", "/myvo/sub/Role=NULL", "/myvo/sub"})
    void shouldReadAGroupWithoutRoleInEveryForm(String text) {
        Fqan fqan = Fqan.parse(text);
        assertEquals(new Fqan("/myvo/sub", Optional.empty()), fqan);
        assertEquals("/myvo/sub/Role=NULL/Capability=NULL", fqan.toString());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "myvo", "/", "/myvo/", "/my vo", "/myvo/Role=", "/myvo/Capability=NULL/Role=x",
            "CN=Alice,O=Grid"})
    void shouldRefuseWhatIsNoFqan(String text) {
        assertThrows(IllegalArgumentException.class, () -> Fqan.parse(text));
    }

    @ParameterizedTest(name = "{0} held grants {1}: {2}")
    @CsvSource({
            "/myvo/Role=storage-admin/Capability=NULL, /myvo/Role=storage-admin, true",
            "/myvo/Role=NULL/Capability=NULL,          /myvo,                    true",
            "/myvo/Role=storage-admin/Capability=NULL, /myvo,                    false",
            "/myvo/Role=NULL/Capability=NULL,          /myvo/Role=storage-admin, false",
            "/myvo/sub/Role=NULL/Capability=NULL,      /myvo,                    false",
            "/myvo/Role=NULL/Capability=NULL,          /myvo/sub,                false",
            "/myvo/sub/Role=storage-admin,             /myvo/Role=storage-admin, false",
            "/othervo/Role=storage-admin,              /myvo/Role=storage-admin, false",
            "/myvo/Role=Storage-Admin,                 /myvo/Role=storage-admin, false"})
    void shouldGrantOnlyTheSameGroupAndRole(String held, String named, boolean grants) {
        assertEquals(grants, Fqan.parse(held).grants(Fqan.parse(named)));
    }

    @Test
    void shouldIgnoreACapability() {
        assertTrue(Fqan.parse("/myvo/Role=a/Capability=x").grants(Fqan.parse("/myvo/Role=a")));
        assertFalse(Fqan.parse("/myvo/Role=a/Capability=x").grants(Fqan.parse("/myvo")));
    }
}
