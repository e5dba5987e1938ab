package org.vbs.core.service;

import org.vbs.core.api.ErrorCode;
import org.vbs.core.api.VbsException;
import org.vbs.plugins.spi.DriverException;

/** Turns what a volume driver raised into the fault a client sees, keeping the driver's detail. */
final class DriverFaults {
    private DriverFaults() {
    }

    /**
     * @param doing what the service was doing, with the id, e.g. "creating the storage of vol-..."
     */
    static VbsException of(DriverException e, String doing) {
        ErrorCode code = switch (e.code()) {
            case INSUFFICIENT_CAPACITY -> ErrorCode.INSUFFICIENT_CAPACITY;
            case UNSUPPORTED -> ErrorCode.UNSUPPORTED_OPERATION;
            case CONFIGURATION -> ErrorCode.SERVICE_UNAVAILABLE;
            // The metadata and the storage disagree, or the host failed: nothing the caller did.
            case NOT_FOUND, ALREADY_EXISTS, IO_ERROR -> ErrorCode.INTERNAL_ERROR;
        };
        return new VbsException(code, "The volume driver failed while " + doing + " (" + e.code() + "): "
                + e.getMessage(), e);
    }

    /**
     * Any failure of a driver call as a fault: a {@link DriverException} by its code, a fault the
     * service raised (no driver) as is, and anything else (a plugin bug) as an internal error.
     */
    static VbsException of(Exception e, String doing) {
        if (e instanceof DriverException driverException) {
            return of(driverException, doing);
        }
        if (e instanceof VbsException fault) {
            return fault;
        }
        return new VbsException(ErrorCode.INTERNAL_ERROR, "The volume driver failed unexpectedly while " + doing
                + ": " + e, e);
    }
}
