package org.vbs.core.ops;

import java.time.Duration;
import java.util.Map;

/**
 * One step of an operation's plan. A step either works on storage through a driver
 * ({@link #metadata()} false: run on a thread of its own, cut off after {@link #timeout()}), or
 * changes metadata ({@link #metadata()} true: run inside the transaction that also records it done
 * in the journal, so it is done exactly when the journal says so).
 *
 * <p>{@link #compensate} undoes whatever {@link #apply} did, in full or in part, and must succeed
 * when there is nothing to undo: after a crash the runner cannot tell how far an interrupted storage
 * step got, so it compensates it anyway.
 */
public interface Step {

    /** A short name for logs: "create-storage", "available". */
    String name();

    boolean metadata();

    /** How long a storage step may run before it is cut off and the operation rolls back. */
    default Duration timeout() {
        return Duration.ofMinutes(5);
    }

    /**
     * @return parameters for the later steps (e.g. where an export can be reached), journalled with
     *         the step done; empty for most steps
     */
    Map<String, String> apply(OperationRecord operation) throws Exception;

    /**
     * @param reason why the operation is rolled back (for the resource's state reason)
     */
    void compensate(OperationRecord operation, String reason) throws Exception;

    /** A metadata step. */
    static Step metadata(String name, Action apply, Compensation compensate) {
        return new Step() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public boolean metadata() {
                return true;
            }

            @Override
            public Map<String, String> apply(OperationRecord operation) throws Exception {
                apply.run(operation);
                return Map.of();
            }

            @Override
            public void compensate(OperationRecord operation, String reason) throws Exception {
                compensate.run(operation, reason);
            }
        };
    }

    /** A storage step, cut off after {@code timeout}. */
    static Step storage(String name, Duration timeout, Action apply, Compensation compensate) {
        return producing(name, timeout, operation -> {
            apply.run(operation);
            return Map.of();
        }, compensate);
    }

    /** A storage step whose result later steps need (journalled as parameters), cut off after {@code timeout}. */
    static Step producing(String name, Duration timeout, Producer apply, Compensation compensate) {
        return new Step() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public boolean metadata() {
                return false;
            }

            @Override
            public Duration timeout() {
                return timeout;
            }

            @Override
            public Map<String, String> apply(OperationRecord operation) throws Exception {
                return apply.run(operation);
            }

            @Override
            public void compensate(OperationRecord operation, String reason) throws Exception {
                compensate.run(operation, reason);
            }
        };
    }

    /** What a step that produces parameters does. */
    @FunctionalInterface
    interface Producer {
        Map<String, String> run(OperationRecord operation) throws Exception;
    }

    /** What a step does. */
    @FunctionalInterface
    interface Action {
        void run(OperationRecord operation) throws Exception;
    }

    /** How a step is undone. */
    @FunctionalInterface
    interface Compensation {
        void run(OperationRecord operation, String reason) throws Exception;

        /** For a step whose effect needs no undoing (or cannot be undone, e.g. a deletion). */
        Compensation NOTHING = (operation, reason) -> { };
    }
}
