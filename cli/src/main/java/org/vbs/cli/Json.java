package org.vbs.cli;

import jakarta.json.stream.JsonGenerator;
import jakarta.json.stream.JsonGeneratorFactory;
import java.io.FilterWriter;
import java.io.IOException;
import java.io.StringWriter;
import java.io.Writer;
import java.util.List;
import java.util.Map;
import org.eclipse.parsson.JsonProviderImpl;

/**
 * Writes the JSON documents of {@code --output json} with JSON-P (Parsson), pretty printed: objects
 * (maps, in their iteration order), arrays (lists), strings, integers, booleans and null. The output
 * is pure ASCII (everything else is written as \\uXXXX), so it reads the same whatever the
 * terminal's or the JVM's encoding.
 */
public final class Json {
    /** Parsson directly, not the ServiceLoader lookup: the CLI ships one implementation and needs no search. */
    private static final JsonGeneratorFactory FACTORY =
            new JsonProviderImpl().createGeneratorFactory(Map.of(JsonGenerator.PRETTY_PRINTING, true));

    private Json() {
    }

    /** The value as one JSON document, indented. */
    public static String write(Object value) {
        StringWriter text = new StringWriter();
        try (JsonGenerator generator = FACTORY.createGenerator(new AsciiWriter(text))) {
            write(value, generator);
        }
        // Parsson's pretty printer starts the document on a new line.
        return text.toString().stripLeading();
    }

    private static void write(Object value, JsonGenerator generator) {
        if (value == null) {
            generator.writeNull();
        } else if (value instanceof String text) {
            generator.write(text);
        } else if (value instanceof Boolean flag) {
            generator.write(flag);
        } else if (value instanceof Long || value instanceof Integer) {
            generator.write(((Number) value).longValue());
        } else if (value instanceof Map<?, ?> map) {
            generator.writeStartObject();
            for (Map.Entry<?, ?> entry : map.entrySet()) {
                generator.writeKey(String.valueOf(entry.getKey()));
                write(entry.getValue(), generator);
            }
            generator.writeEnd();
        } else if (value instanceof List<?> list) {
            generator.writeStartArray();
            for (Object item : list) {
                write(item, generator);
            }
            generator.writeEnd();
        } else {
            throw new IllegalArgumentException("no JSON form for " + value.getClass().getName());
        }
    }

    /**
     * Writes every character outside printable ASCII as a JSON escape. JSON text holds such
     * characters only inside strings, where the escape means the same character.
     */
    private static final class AsciiWriter extends FilterWriter {
        AsciiWriter(Writer out) {
            super(out);
        }

        @Override
        public void write(int c) throws IOException {
            if (c > 0x7e) {
                out.write(String.format("\\u%04x", c));
            } else {
                out.write(c);
            }
        }

        @Override
        public void write(char[] chars, int offset, int length) throws IOException {
            for (int i = offset; i < offset + length; i++) {
                write(chars[i]);
            }
        }

        @Override
        public void write(String text, int offset, int length) throws IOException {
            for (int i = offset; i < offset + length; i++) {
                write(text.charAt(i));
            }
        }
    }
}
