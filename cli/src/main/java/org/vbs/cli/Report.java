package org.vbs.cli;

import java.util.Objects;
import java.util.Optional;

/**
 * What a command answers, in both output forms: one JSON document (a map/list tree for
 * {@link Json}) and a {@link Table}. {@code hint} is for people only (e.g. how to get the next
 * page): it goes to stderr under the table and is left out of JSON, whose document holds the facts.
 */
public record Report(Object json, Table table, Optional<String> hint) {
    public Report {
        Objects.requireNonNull(json, "json");
        Objects.requireNonNull(table, "table");
        Objects.requireNonNull(hint, "hint");
    }
}
