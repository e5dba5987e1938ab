package org.vbs.core.ops;

/**
 * An operation failed at a step and was rolled back (or, where even that failed, its resource was
 * marked {@code error}); or this node stopped at a step because another node holds the operation now
 * ({@link #handedOver()}), which then ends it. The cause is what the step raised: the service's one error
 * translation turns it into the caller's fault.
 */
public final class OperationFailedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final String step;

    public OperationFailedException(OperationRecord operation, String step, Throwable cause) {
        super(operation.kind().apiName() + " " + operation.id() + " of " + operation.resourceId() + " failed at step '"
                + step + "'", cause);
        this.step = step;
    }

    public String step() {
        return step;
    }

    /**
     * Whether this node stopped because it no longer holds the operation: its lease expired (the node
     * stalled) and another node took it over, so that one resumes or rolls it back, by the operation's plan,
     * as it would a dead node's; nothing was rolled back here.
     */
    public boolean handedOver() {
        return getCause() instanceof StepRunner.LeaseLost;
    }
}
