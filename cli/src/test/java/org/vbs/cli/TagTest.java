package org.vbs.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class TagTest {
    @Test
    void shouldSplitAtTheFirstEqualsSign() {
        assertEquals(new Tag("env", "a=b"), Tag.parse("env=a=b"));
    }

    @Test
    void shouldAcceptAnEmptyValue() {
        assertEquals(new Tag("owner", ""), Tag.parse("owner="));
    }

    @Test
    void shouldKeepBlanksInTheValue() {
        assertEquals(new Tag("name", " my disk "), Tag.parse("name= my disk "));
    }

    @Test
    void shouldRefuseATagWithoutEqualsSign() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Tag.parse("env"));
        assertTrue(e.getMessage().contains("'env' must be key=value"), e.getMessage());
    }

    @Test
    void shouldRefuseAnEmptyKey() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Tag.parse("=prod"));
        assertTrue(e.getMessage().contains("empty key"), e.getMessage());
    }
}
