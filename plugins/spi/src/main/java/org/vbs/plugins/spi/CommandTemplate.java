package org.vbs.plugins.spi;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A host command written as in the seed's property files,
 * {@code blockAttachCmd=xl block-attach <domain> phy:<dev> <guestDev> w}: words separated by
 * spaces, {@code <name>} placeholders inside words. It renders to an argv array, one element per
 * word, so a value never splits into two arguments and never meets a shell.
 *
 * <p>Every placeholder has a declared {@link ArgType}; a template naming an undeclared placeholder
 * is refused when it is parsed (an operator's typo is found at start-up, not at the first attach),
 * and every value is checked against its type when the template is rendered.
 */
public final class CommandTemplate {
    private static final Pattern PLACEHOLDER = Pattern.compile("<([A-Za-z][A-Za-z0-9]*)>");
    private static final Pattern WORD = Pattern.compile("[^\\s<>]*(<[A-Za-z][A-Za-z0-9]*>[^\\s<>]*)*");

    private final String key;
    private final String text;
    private final List<String> words;
    private final Map<String, ArgType> types;
    private final Set<String> placeholders;

    private CommandTemplate(String key, String text, List<String> words, Map<String, ArgType> types,
                            Set<String> placeholders) {
        this.key = key;
        this.text = text;
        this.words = words;
        this.types = types;
        this.placeholders = placeholders;
    }

    /**
     * @param key the template's name, e.g. {@code blockAttachCmd} (for messages)
     * @param text the template
     * @param types the placeholders the driver fills, with their types
     * @throws IllegalArgumentException when the text is empty, has a stray {@code <} or {@code >},
     *         or names a placeholder {@code types} does not declare
     */
    public static CommandTemplate parse(String key, String text, Map<String, ArgType> types) {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(text, "text");
        List<String> words = List.of(text.strip().split("\\s+"));
        if (text.isBlank()) {
            throw new IllegalArgumentException("command template " + key + " is empty");
        }
        Set<String> used = new LinkedHashSet<>();
        for (String word : words) {
            if (!WORD.matcher(word).matches()) {
                throw new IllegalArgumentException("command template " + key + ": '" + word
                        + "' has a '<' or '>' that is not part of a <placeholder>");
            }
            Matcher m = PLACEHOLDER.matcher(word);
            while (m.find()) {
                if (!types.containsKey(m.group(1))) {
                    throw new IllegalArgumentException("command template " + key + " names <" + m.group(1)
                            + ">, which is not one of " + types.keySet().stream().sorted().map(n -> "<" + n + ">")
                            .toList());
                }
                used.add(m.group(1));
            }
        }
        if (PLACEHOLDER.matcher(words.get(0)).find()) {
            throw new IllegalArgumentException("command template " + key + ": the program must be fixed text, not "
                    + words.get(0));
        }
        return new CommandTemplate(key, text.strip(), words, Map.copyOf(types), Set.copyOf(used));
    }

    public String key() {
        return key;
    }

    /** The placeholders this template uses (a subset of the declared ones). */
    public Set<String> placeholders() {
        return placeholders;
    }

    /**
     * @param values a value for every placeholder the template uses (extra ones are ignored, so an
     *        operator may leave some out of an override)
     * @throws IllegalArgumentException when a used placeholder has no value or a value fails its type
     */
    public List<String> render(Map<String, String> values) {
        List<String> argv = new ArrayList<>(words.size());
        for (String word : words) {
            Matcher m = PLACEHOLDER.matcher(word);
            StringBuilder rendered = new StringBuilder();
            while (m.find()) {
                String name = m.group(1);
                if (!values.containsKey(name)) {
                    throw new IllegalArgumentException("command template " + key + " needs a value for <" + name + ">");
                }
                m.appendReplacement(rendered, Matcher.quoteReplacement(types.get(name).require(name, values.get(name))));
            }
            m.appendTail(rendered);
            argv.add(rendered.toString());
        }
        return List.copyOf(argv);
    }

    /** Renders to a {@link Command} with the default timeout. */
    public Command command(Map<String, String> values) {
        return Command.of(render(values));
    }

    @Override
    public String toString() {
        return key + "=" + text;
    }
}
