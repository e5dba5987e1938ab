package org.vbs.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class FilterTest {
    @Test
    void shouldParseOneValue() {
        assertEquals(new Filter("status", List.of("available")), Filter.parse("status=available"));
    }

    @Test
    void shouldSplitValuesAtCommas() {
        assertEquals(new Filter("status", List.of("available", "creating")), Filter.parse("status=available,creating"));
    }

    @Test
    void shouldSplitOnlyTheNameAtTheFirstEqualsSign() {
        assertEquals(new Filter("tag:k", List.of("a=b")), Filter.parse("tag:k=a=b"));
    }

    @Test
    void shouldRefuseAFilterWithoutEqualsSign() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Filter.parse("status"));
        assertTrue(e.getMessage().contains("must be name=value"), e.getMessage());
    }

    @Test
    void shouldRefuseAnEmptyName() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Filter.parse("=available"));
        assertTrue(e.getMessage().contains("empty name"), e.getMessage());
    }

    @Test
    void shouldRefuseEmptyValues() {
        for (String text : List.of("status=", "status=a,", "status=,a", "status=a,,b")) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Filter.parse(text), text);
            assertTrue(e.getMessage().contains("empty value"), e.getMessage());
        }
    }
}
