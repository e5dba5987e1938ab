package org.vbs.core.ops;

import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

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
 * <p>Two kinds of storage step change what the runner does on a failure:
 * <ul>
 *   <li>an <em>irreversible</em> step (removing a device from a VM) cannot be undone once done: a later
 *       failure does not roll the operation back past it, the plan gives up (the resource goes to
 *       {@code error}, saying what remains);</li>
 *   <li>a <em>tolerated</em> step's failure or cut-off is passed over, for operations its
 *       {@link Tolerance} names: the runner logs it with what the step may have left and goes on as if
 *       the step were done (a forced detach from a hypervisor host that does not answer).</li>
 * </ul>
 *
 * @param name a short name for logs and state reasons: "create-storage", "available"
 * @param timeout how long a storage step may run before it is cut off and the operation rolls back
 * @param apply the work; what it returns are parameters for later steps, journalled with the step done
 * @param compensate the undoing
 * @param irreversible done, it is never undone: rolling back past it gives up instead
 * @param tolerance for which operations its failure is passed over
 */
public record Step(String name, boolean metadata, Duration timeout, Producer apply, Compensation compensate,
                   boolean irreversible, Tolerance tolerance) {
    public Step {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(timeout, "timeout");
        Objects.requireNonNull(apply, "apply");
        Objects.requireNonNull(compensate, "compensate");
        Objects.requireNonNull(tolerance, "tolerance");
        if (metadata && (irreversible || tolerance != Tolerance.NONE)) {
            // A metadata step commits with its journal record or not at all: nothing to pass over.
            throw new IllegalArgumentException("metadata step '" + name + "' cannot be irreversible or tolerated");
        }
    }

    /** A metadata step (it has no timeout of its own: it is one short transaction). */
    public static Step metadata(String name, Action apply, Compensation compensate) {
        return new Step(name, true, Duration.ZERO, producingNothing(apply), compensate, false, Tolerance.NONE);
    }

    /** A storage step, cut off after {@code timeout}. */
    public static Step storage(String name, Duration timeout, Action apply, Compensation compensate) {
        return new Step(name, false, timeout, producingNothing(apply), compensate, false, Tolerance.NONE);
    }

    /** A storage step whose result later steps need (journalled as parameters), cut off after {@code timeout}. */
    public static Step producing(String name, Duration timeout, Producer apply, Compensation compensate) {
        return new Step(name, false, timeout, apply, compensate, false, Tolerance.NONE);
    }

    /**
     * A storage step that cannot be undone once done, cut off after {@code timeout}. When it fails it is
     * taken not to have happened (nothing to compensate).
     */
    public static Step irreversible(String name, Duration timeout, Action apply) {
        return new Step(name, false, timeout, producingNothing(apply), Compensation.NOTHING, true, Tolerance.NONE);
    }

    /** This step, with its failure passed over for the operations {@code tolerance} names. */
    public Step tolerating(Tolerance tolerance) {
        return new Step(name, metadata, timeout, apply, compensate, irreversible, tolerance);
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

        /** For a step whose effect needs no undoing. */
        Compensation NOTHING = (operation, reason) -> { };
    }

    /** Whether a step's failure is passed over for an operation. */
    @FunctionalInterface
    public interface Tolerance {
        /**
         * Empty when the failure rolls {@code operation} back (or gives up); otherwise why it is passed over
         * and what the failed step may have left, for the operator's log.
         */
        Optional<String> passOver(OperationRecord operation);

        /** Every failure counts. */
        Tolerance NONE = operation -> Optional.empty();
    }
}
