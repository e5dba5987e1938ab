package org.vbs.core.ops;

import java.util.List;
import java.util.Objects;

/**
 * The steps of one kind of operation and what to do when it was interrupted (a node died mid-way).
 * Step 0 is always the metadata step that started the operation (claiming the resource) and commits
 * with the journal record; the runner runs steps 1 and on.
 *
 * @param onInterrupt roll back, or resume (the interrupted storage step is compensated, then run again)
 * @param giveUp a metadata action for when a compensation itself fails: the resource cannot be put
 *        back, so it is marked {@code error} with the reason (never silently left half-made); it
 *        commits with the removal of the journal record
 */
public record Plan(List<Step> steps, Recovery onInterrupt, Step.Compensation giveUp) {
    /** What recovery does with an interrupted operation. */
    public enum Recovery {
        ROLL_BACK,
        RESUME
    }

    public Plan {
        steps = List.copyOf(steps);
        Objects.requireNonNull(onInterrupt, "onInterrupt");
        Objects.requireNonNull(giveUp, "giveUp");
        if (steps.isEmpty() || !steps.get(0).metadata() || !steps.get(steps.size() - 1).metadata()) {
            throw new IllegalArgumentException("a plan starts with the metadata step that claims the resource and ends"
                    + " with a metadata step that records the outcome");
        }
    }
}
