package org.vbs.core.ops;

import java.time.Duration;
import java.util.Map;
import java.util.Objects;

/**
 * One step of an operation's plan. A step either works on storage or a host through a driver
 * ({@code metadata} false: run on a thread of its own, cut off after {@code timeout}), or changes
 * metadata ({@code metadata} true: run inside the transaction that also records it done in the
 * journal, so it is done exactly when the journal says so).
 *
 * <p>{@code compensate} undoes whatever {@code apply} did, in full or in part, and must succeed when
 * there is nothing to undo: after a crash the runner cannot tell how far an interrupted storage step
 * got, so it compensates it anyway.
 *
 * @param name a short name for logs and state reasons: "create-storage", "available"
 * @param timeout how long a storage step may run before it is cut off and the operation rolls back
 * @param apply the work; what it returns are parameters for later steps, journalled with the step done
 * @param compensate the undoing
 */
public record Step(String name, boolean metadata, Duration timeout, Producer apply, Compensation compensate) {
    public Step {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(timeout, "timeout");
        Objects.requireNonNull(apply, "apply");
        Objects.requireNonNull(compensate, "compensate");
    }

    /** A metadata step (it has no timeout of its own: it is one short transaction). */
    public static Step metadata(String name, Action apply, Compensation compensate) {
        return new Step(name, true, Duration.ZERO, producingNothing(apply), compensate);
    }

    /** A storage step, cut off after {@code timeout}. */
    public static Step storage(String name, Duration timeout, Action apply, Compensation compensate) {
        return new Step(name, false, timeout, producingNothing(apply), compensate);
    }

    /** A storage step whose result later steps need (journalled as parameters), cut off after {@code timeout}. */
    public static Step producing(String name, Duration timeout, Producer apply, Compensation compensate) {
        return new Step(name, false, timeout, apply, compensate);
    }

    private static Producer producingNothing(Action apply) {
        return operation -> {
            apply.run(operation);
            return Map.of();
        };
    }

    /** What a step that produces parameters does. */
    @FunctionalInterface
    public interface Producer {
        Map<String, String> run(OperationRecord operation) throws Exception;
    }

    /** What a step does. */
    @FunctionalInterface
    public interface Action {
        void run(OperationRecord operation) throws Exception;
    }

    /** How a step is undone; {@code reason} says why the operation is rolled back (for state reasons). */
    @FunctionalInterface
    public interface Compensation {
        void run(OperationRecord operation, String reason) throws Exception;

        /** For a step whose effect needs no undoing (or cannot be undone, e.g. a deletion). */
        Compensation NOTHING = (operation, reason) -> { };
    }
}
