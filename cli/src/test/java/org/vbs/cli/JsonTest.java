package org.vbs.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonTest {
    @Test
    void shouldWriteObjectsInInsertionOrderWithNulls() {
        Map<String, Object> object = new LinkedHashMap<>();
        object.put("volumeId", "vol-1");
        object.put("size", 10L);
        object.put("snapshotId", null);
        object.put("return", true);
        object.put("tags", Map.of());
        object.put("items", List.of());
        // JSON-P's pretty printer: four spaces a level, empty containers opened and closed on two lines.
        assertEquals("""
                {
                    "volumeId": "vol-1",
                    "size": 10,
                    "snapshotId": null,
                    "return": true,
                    "tags": {
                    },
                    "items": [
                    ]
                }""", Json.write(object));
    }

    @Test
    void shouldNestArrays() {
        List<Object> list = new ArrayList<>();
        list.add(Map.of("a", 1));
        list.add(null);
        assertEquals("""
                [
                    {
                        "a": 1
                    },
                    null
                ]""", Json.write(list));
    }

    @Test
    void shouldEscapeQuotesBackslashesAndControlCharacters() {
        assertEquals("\"say \\\"hi\\\" \\\\ now\\n\\t\\r\\b\\f\\u0000\\u001b[31m\\u007f\"",
                Json.write("say \"hi\" \\ now\n\t\r\b\f\u0000\u001b[31m\u007f"));
    }

    @Test
    void shouldWriteNonAsciiAsEscapesSoTheOutputIsAscii() {
        assertEquals("\"caf\\u00e9 \\u2028 \\ud83d\\ude00\"", Json.write("café \u2028 😀"));
    }

    @Test
    void shouldEscapeKeysToo() {
        assertEquals("{\n    \"a\\\"b\": \"c\"\n}", Json.write(Map.of("a\"b", "c")));
    }

    @Test
    void shouldRefuseTypesItHasNoFormFor() {
        assertThrows(IllegalArgumentException.class, () -> Json.write(1.5d));
    }
}
