package org.vbs.core.service;

import java.util.concurrent.TimeoutException;
import org.vbs.core.api.ErrorCode;
import org.vbs.core.api.VbsException;
import org.vbs.core.cluster.MinoritySide;
import org.vbs.core.cluster.ViewChange;
import org.vbs.core.ops.OperationFailedException;
import org.vbs.plugins.spi.DriverException;

/**
 * The service's one error translation: what a call raised, as the fault its caller gets. A refusal
 * the service made ({@link VbsException}, not InternalError) is passed on; everything else is told by
 * kind only, with the request id, never with an internal message (paths, host names, tool output):
 * those go to the log, under the same request id.
 */
final class CallerFaults {
    private CallerFaults() {
    }

    static VbsException of(Throwable failure, String requestId) {
        if (failure instanceof OperationFailedException failed && failed.getCause() != null) {
            return of(failed.getCause(), requestId);
        }
        if (failure instanceof VbsException fault && fault.code() != ErrorCode.INTERNAL_ERROR) {
            return fault;
        }
        // A metadata cache refused because this node is on the minority side of a partition.
        if (MinoritySide.causedBy(failure)) {
            return MinoritySide.refusal(failure);
        }
        // A replicated read or write that a change of members interrupted (timed out, lost a member).
        if (ViewChange.causedBy(failure)) {
            return ViewChange.refusal(failure);
        }
        if (failure instanceof DriverException driver) {
            return switch (driver.code()) {
                case INSUFFICIENT_CAPACITY -> new VbsException(ErrorCode.INSUFFICIENT_CAPACITY,
                        "The volume server has no room for this request; try a smaller size or later.", failure);
                case UNSUPPORTED -> new VbsException(ErrorCode.UNSUPPORTED_OPERATION,
                        "The storage backend cannot do this.", failure);
                case CONFIGURATION -> new VbsException(ErrorCode.SERVICE_UNAVAILABLE,
                        "The storage backend is not configured correctly; an operator must fix it (request "
                                + requestId + ").", failure);
                case NOT_FOUND, ALREADY_EXISTS, IO_ERROR -> internal(requestId, failure);
            };
        }
        if (failure instanceof TimeoutException) {
            return new VbsException(ErrorCode.SERVICE_UNAVAILABLE, "A host did not answer in time; the request was"
                    + " rolled back. Retry later (request " + requestId + ").", failure);
        }
        return internal(requestId, failure);
    }

    private static VbsException internal(String requestId, Throwable failure) {
        return new VbsException(ErrorCode.INTERNAL_ERROR, "The service failed to complete the request; nothing was"
                + " changed that you did not ask for. An operator can find the cause in the log under request "
                + requestId + ".", failure);
    }
}
