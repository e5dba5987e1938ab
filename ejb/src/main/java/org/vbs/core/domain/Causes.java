package org.vbs.core.domain;

/** Puts an exception and its causes into one line for a log, a fault or a state reason. */
public final class Causes {
    private static final int MAX_DEPTH = 8;

    private Causes() {
    }

    /** "message <- Cause: message <- ..." (wrappers often say little; their causes say what happened). */
    public static String describe(Throwable e) {
        StringBuilder text = new StringBuilder(String.valueOf(e.getMessage()));
        Throwable cause = e.getCause();
        for (int depth = 0; cause != null && depth < MAX_DEPTH; depth++, cause = cause.getCause()) {
            text.append(" <- ").append(cause.getClass().getSimpleName()).append(": ").append(cause.getMessage());
        }
        return text.toString();
    }
}
