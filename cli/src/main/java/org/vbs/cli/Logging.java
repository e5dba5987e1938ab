package org.vbs.cli;

import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * CXF and WSS4J log through java.util.logging (WSS4J via SLF4J's JUL binding). A command-line tool
 * reports its own errors, so their logging is off unless --debug asks for it.
 */
final class Logging {
    /** Held so the configured level is not lost when the logger would otherwise be collected. */
    private static final Logger ROOT = Logger.getLogger("");

    private Logging() {
    }

    static void configure(boolean debug) {
        Level level = debug ? Level.INFO : Level.OFF;
        ROOT.setLevel(level);
        for (Handler handler : ROOT.getHandlers()) {
            handler.setLevel(level);
        }
    }
}
