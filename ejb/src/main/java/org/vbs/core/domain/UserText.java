package org.vbs.core.domain;

/**
 * Puts a caller-supplied value into a fault message or a log line safely: quoted, control
 * characters replaced, and cut short, so a hostile value cannot forge log lines or flood a message.
 */
public final class UserText {
    private static final int MAX_SHOWN = 80;

    private UserText() {
    }

    public static String quote(String value) {
        if (value == null) {
            return "(none)";
        }
        StringBuilder shown = new StringBuilder(Math.min(value.length(), MAX_SHOWN) + 5).append('\'');
        value.codePoints().limit(MAX_SHOWN).forEach(c -> shown.appendCodePoint(Character.isISOControl(c) ? '?' : c));
        if (value.codePointCount(0, value.length()) > MAX_SHOWN) {
            shown.append("...");
        }
        return shown.append('\'').toString();
    }
}
