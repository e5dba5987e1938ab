package org.vbs.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

class TableTest {
    @Test
    void shouldAlignColumnsToTheWidestCell() {
        Table table = new Table(List.of("ID", "SIZE", "STATUS"), List.of(
                List.of("vol-0123", "1", "available"),
                List.of("vol-1", "1024", "creating")));
        assertEquals("""
                ID        SIZE  STATUS
                vol-0123  1     available
                vol-1     1024  creating
                """, table.render());
    }

    @Test
    void shouldShowEmptyCellsAsDash() {
        Table table = new Table(List.of("A", "B", "C"), List.of(List.of("", "x", "")));
        assertEquals("""
                A  B  C
                -  x  -
                """, table.render());
    }

    @Test
    void shouldPrintOnlyTheHeaderForNoRows() {
        assertEquals("A  B\n", new Table(List.of("A", "B"), List.of()).render());
    }

    @Test
    void shouldKeepEachRowOnOneLineAndDisarmTerminalEscapes() {
        Table table = new Table(List.of("DESCRIPTION", "X"), List.of(List.of("two\nlines\tand \u001b[2J\\", "y")));
        String shown = "two\\nlines\\tand \\u001b[2J\\\\";
        assertEquals("DESCRIPTION" + " ".repeat(shown.length() - "DESCRIPTION".length() + 2) + "X\n"
                + shown + "  y\n", table.render());
    }

    @Test
    void shouldRefuseARowOfTheWrongWidth() {
        assertThrows(IllegalArgumentException.class, () -> new Table(List.of("A", "B"), List.of(List.of("x"))));
    }
}
