package org.vbs.cli;

/** {@code --output}: aligned columns for people, or one JSON document for scripts. */
public enum OutputFormat {
    TABLE,
    JSON
}
