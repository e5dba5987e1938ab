package org.vbs.core.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.vbs.core.api.CreateVolumeRequest;

class ClientTokensTest {
    private static CreateVolumeRequest request(Optional<Long> size, Optional<String> snapshot, Map<String, String> tags) {
        return new CreateVolumeRequest(size, snapshot, Optional.of("token"), tags);
    }

    @Test
    void shouldGiveTheSameFingerprintWhateverTheTagOrderOrToken() {
        Map<String, String> ab = new LinkedHashMap<>();
        ab.put("a", "1");
        ab.put("b", "2");
        Map<String, String> ba = new LinkedHashMap<>();
        ba.put("b", "2");
        ba.put("a", "1");
        String one = ClientTokens.fingerprint(request(Optional.of(1L), Optional.empty(), ab));
        assertEquals(one, ClientTokens.fingerprint(request(Optional.of(1L), Optional.empty(), ba)));
        assertEquals(one, ClientTokens.fingerprint(new CreateVolumeRequest(Optional.of(1L), Optional.empty(),
                Optional.of("another token"), ab)));
        assertTrue(one.matches("[0-9a-f]{64}"), one);
    }

    @Test
    void shouldTellEveryParameterApart() {
        String base = ClientTokens.fingerprint(request(Optional.of(1L), Optional.empty(), Map.of()));
        assertNotEquals(base, ClientTokens.fingerprint(request(Optional.of(2L), Optional.empty(), Map.of())));
        assertNotEquals(base, ClientTokens.fingerprint(request(Optional.empty(), Optional.empty(), Map.of())));
        assertNotEquals(base, ClientTokens.fingerprint(request(Optional.of(1L), Optional.of("snap-0123456789abcdef0"),
                Map.of())));
        assertNotEquals(base, ClientTokens.fingerprint(request(Optional.of(1L), Optional.empty(), Map.of("a", ""))));
    }

    @Test
    void shouldNotBeFooledByFieldsThatRunIntoEachOther() {
        assertNotEquals(
                ClientTokens.fingerprint(request(Optional.of(1L), Optional.empty(), Map.of("a;b", "c"))),
                ClientTokens.fingerprint(request(Optional.of(1L), Optional.empty(), Map.of("a", "b;c"))));
        assertNotEquals(
                ClientTokens.fingerprint(request(Optional.of(1L), Optional.empty(), Map.of("ab", ""))),
                ClientTokens.fingerprint(request(Optional.of(1L), Optional.empty(), Map.of("a", "b"))));
    }
}
