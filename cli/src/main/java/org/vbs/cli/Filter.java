package org.vbs.cli;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * One {@code --filter name=value[,value...]}: a resource matches when its field {@code name} equals
 * one of the values (EC2's filter semantics; the service says which names it accepts).
 */
public record Filter(String name, List<String> values) {
    public Filter {
        Objects.requireNonNull(name, "name");
        values = List.copyOf(values);
    }

    /** Parses {@code name=value[,value...]}; no value may be empty. */
    public static Filter parse(String text) {
        int equals = text.indexOf('=');
        if (equals < 0) {
            throw new IllegalArgumentException("filter '" + text + "' must be name=value[,value...], e.g. status=available");
        }
        String name = text.substring(0, equals);
        if (name.isBlank()) {
            throw new IllegalArgumentException("filter '" + text + "' has an empty name; expected name=value[,value...]");
        }
        List<String> values = Arrays.asList(text.substring(equals + 1).split(",", -1));
        if (values.stream().anyMatch(String::isEmpty)) {
            throw new IllegalArgumentException("filter '" + text + "' has an empty value; expected name=value[,value...]");
        }
        return new Filter(name, values);
    }

    /** Lets picocli report a malformed filter as a usage error. */
    public static final class Converter implements ITypeConverter<Filter> {
        @Override
        public Filter convert(String value) {
            try {
                return parse(value);
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(e.getMessage());
            }
        }
    }
}
