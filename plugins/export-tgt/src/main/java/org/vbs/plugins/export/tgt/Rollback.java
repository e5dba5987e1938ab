package org.vbs.plugins.export.tgt;

import java.util.ArrayDeque;
import java.util.Deque;
import org.vbs.plugins.spi.DriverException;

/**
 * The undo actions of what one export has made so far, run in reverse order when a later step fails.
 * An undo action that fails does not stop the others; its failure is attached to the export's fault
 * as a suppressed exception, so the operator learns what may be left behind.
 */
final class Rollback {
    /** One undo action. */
    @FunctionalInterface
    interface Action {
        void run() throws DriverException;
    }

    private record Step(String description, Action action) {
    }

    private final Deque<Step> done = new ArrayDeque<>();

    /** Records how to undo a step that has just succeeded. */
    void push(String description, Action undo) {
        done.push(new Step(description, undo));
    }

    /** Undoes every recorded step, newest first; failures are added to {@code failure} as suppressed. */
    void undoAll(Exception failure) {
        while (!done.isEmpty()) {
            Step step = done.pop();
            try {
                step.action().run();
            } catch (DriverException | RuntimeException e) {
                DriverException left = new DriverException(DriverException.Code.IO_ERROR, "could not undo '"
                        + step.description() + "', it may be left behind: " + e.getMessage(), e);
                failure.addSuppressed(left);
            }
        }
    }
}
