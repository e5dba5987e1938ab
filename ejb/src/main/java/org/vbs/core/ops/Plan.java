package org.vbs.core.ops;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The steps of one kind of operation and what to do when it was interrupted (a node died mid-way).
 * Step 0 is always the metadata step that started the operation (claiming the resource) and commits
 * with the journal record; the runner runs steps 1 and on.
 *
 * @param onInterrupt roll back, or resume (the interrupted storage step is compensated, then run again)
 * @param giveUp a metadata action for when a compensation itself fails: the resource cannot be put
 *        back, so it is marked {@code error} with the reason (never silently left half-made); it
 *        commits with the removal of the journal record
 * @param claim whether the resource is still as step 0 left it: in the state that marks it this
 *        operation's (e.g. {@code deleting}) until the last step or the rollback ends the operation in
 *        the transaction that removes its record. So a record whose resource is not (a record an
 *        old store kept) is stale, and acting on it could delete or detach what another operation settled.
 */
public record Plan(List<Step> steps, Recovery onInterrupt, Step.Compensation giveUp, Claim claim) {
    /** Why the resource is no longer as step 0 of the operation left it; empty while it is. */
    @FunctionalInterface
    public interface Claim {
        Optional<String> broken(OperationRecord operation);
    }

    /** What recovery does with an interrupted operation. */
    public enum Recovery {
        ROLL_BACK,
        RESUME
    }

    public Plan {
        steps = List.copyOf(steps);
        Objects.requireNonNull(onInterrupt, "onInterrupt");
        Objects.requireNonNull(giveUp, "giveUp");
        Objects.requireNonNull(claim, "claim");
        if (steps.isEmpty() || !steps.get(0).metadata() || !steps.get(steps.size() - 1).metadata()) {
            throw new IllegalArgumentException("a plan starts with the metadata step that claims the resource and ends"
                    + " with a metadata step that records the outcome");
        }
    }

    /**
     * How many steps a record journalled again, for a resource whose record was lost, says are done, so
     * that recovery covers every step that may have run: rolled back, from the last storage step down (an
     * undo tolerates a step that never ran, as it must for an interrupted one); resumed, from step 1 on
     * (a step is idempotent, as it must be to be resumed).
     */
    public int stepsDoneUnknown() {
        if (onInterrupt == Recovery.ROLL_BACK) {
            for (int i = steps.size() - 1; i > 0; i--) {
                if (!steps.get(i).metadata()) {
                    return i;
                }
            }
        }
        return 1;
    }
}
