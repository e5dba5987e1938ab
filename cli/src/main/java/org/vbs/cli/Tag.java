package org.vbs.cli;

import java.util.Objects;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** One {@code --tag key=value}: the key is everything before the first '=', the value may be empty. */
public record Tag(String key, String value) {
    public Tag {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(value, "value");
    }

    /** Parses {@code key=value}. */
    public static Tag parse(String text) {
        int equals = text.indexOf('=');
        if (equals < 0) {
            throw new IllegalArgumentException("tag '" + text + "' must be key=value (use key= for an empty value)");
        }
        String key = text.substring(0, equals);
        if (key.isBlank()) {
            throw new IllegalArgumentException("tag '" + text + "' has an empty key; expected key=value");
        }
        return new Tag(key, text.substring(equals + 1));
    }

    /** Lets picocli report a malformed tag as a usage error. */
    public static final class Converter implements ITypeConverter<Tag> {
        @Override
        public Tag convert(String value) {
            try {
                return parse(value);
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(e.getMessage());
            }
        }
    }
}
