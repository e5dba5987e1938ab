package org.vbs.cli;

/** Text from the service or from files, made safe to show on a terminal. */
final class Text {
    private Text() {
    }

    /**
     * The text on one line with control characters (and backslashes) escaped, so that a value
     * holding a newline or a terminal escape sequence can neither break a layout nor drive the
     * terminal.
     */
    static String oneLine(String value) {
        StringBuilder out = new StringBuilder(value.length());
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                case '\\' -> out.append("\\\\");
                default -> {
                    if (Character.isISOControl(c) || c == '\u2028' || c == '\u2029') {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.toString();
    }
}
