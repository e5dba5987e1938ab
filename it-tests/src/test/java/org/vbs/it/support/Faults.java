package org.vbs.it.support;

import org.vbs.it.client.ErrorResponseType;
import org.vbs.it.client.ErrorType;
import org.vbs.it.client.VbsFault;

/** Reads the EBS-style code out of a service fault (the contract's ErrorResponse detail). */
public final class Faults {

    private Faults() {
    }

    /** The first error code of the fault, e.g. {@code InvalidVolume.NotFound}. */
    public static String code(VbsFault fault) {
        ErrorResponseType detail = fault.getFaultInfo();
        if (detail == null || detail.getErrors() == null || detail.getErrors().getError().isEmpty()) {
            throw new AssertionError("fault without an ErrorResponse detail: " + fault.getMessage(), fault);
        }
        return detail.getErrors().getError().get(0).getCode();
    }

    /** The message of the first error, for assertions that it names the offending value. */
    public static String message(VbsFault fault) {
        ErrorType error = fault.getFaultInfo().getErrors().getError().get(0);
        return error.getMessage();
    }
}
