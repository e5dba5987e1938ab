package org.vbs.cli;

import java.util.ArrayList;
import java.util.List;

/**
 * A table for people: a header row and aligned columns separated by two spaces. Cells are shown
 * on one line with control characters escaped (a tag value holding a newline or a terminal escape
 * sequence cannot break the layout or drive the terminal); an empty cell (an absent value) is
 * shown as "-".
 */
public record Table(List<String> headers, List<List<String>> rows) {
    static final String ABSENT = "-";

    public Table {
        headers = List.copyOf(headers);
        List<List<String>> checked = new ArrayList<>();
        for (List<String> row : rows) {
            if (row.size() != headers.size()) {
                throw new IllegalArgumentException("row of " + row.size() + " cells under " + headers.size() + " headers");
            }
            checked.add(row.stream().map(Table::cell).toList());
        }
        rows = List.copyOf(checked);
    }

    /** The lines of the table, each ending in '\n'; trailing blanks are not written. */
    public String render() {
        int[] widths = new int[headers.size()];
        for (int column = 0; column < widths.length; column++) {
            widths[column] = headers.get(column).length();
            for (List<String> row : rows) {
                widths[column] = Math.max(widths[column], row.get(column).codePointCount(0, row.get(column).length()));
            }
        }
        StringBuilder out = new StringBuilder();
        line(headers, widths, out);
        for (List<String> row : rows) {
            line(row, widths, out);
        }
        return out.toString();
    }

    private static void line(List<String> cells, int[] widths, StringBuilder out) {
        StringBuilder line = new StringBuilder();
        for (int column = 0; column < cells.size(); column++) {
            String cell = cells.get(column);
            line.append(cell);
            if (column + 1 < cells.size()) {
                line.append(" ".repeat(widths[column] - cell.codePointCount(0, cell.length()) + 2));
            }
        }
        out.append(line.toString().stripTrailing()).append('\n');
    }

    /** The value on one line with control characters escaped, or "-" if it is empty. */
    private static String cell(String value) {
        return value.isEmpty() ? ABSENT : Text.oneLine(value);
    }
}
