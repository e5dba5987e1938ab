package org.vbs.cli;

import java.io.PrintStream;
import java.util.OptionalInt;

/**
 * A one-line progress bar redrawn in place on stderr, only when stderr is a terminal (a log file
 * or a pipe gets nothing).
 */
final class ProgressBar {
    private static final int WIDTH = 30;

    private final PrintStream err;
    private final boolean enabled;
    private boolean drawn;

    ProgressBar(PrintStream err, boolean enabled) {
        this.err = err;
        this.enabled = enabled;
    }

    /** Redraws the bar: {@code [#######.......]  42% snap-... pending}. */
    void show(SnapshotView snapshot) {
        if (!enabled) {
            return;
        }
        OptionalInt percent = snapshot.percent();
        int filled = percent.orElse(0) * WIDTH / 100;
        String number = percent.isPresent() ? String.format("%3d%%", percent.getAsInt()) : "  ?%";
        err.print("\r[" + "#".repeat(filled) + ".".repeat(WIDTH - filled) + "] " + number + " "
                + Text.oneLine(snapshot.snapshotId()) + " " + Text.oneLine(snapshot.status()) + "\u001b[K");
        err.flush();
        drawn = true;
    }

    /** Ends the bar's line so that what follows starts on a fresh one. */
    void finish() {
        if (drawn) {
            err.println();
            drawn = false;
        }
    }
}
