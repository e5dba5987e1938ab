package org.vbs.core.api;

import jakarta.ejb.ApplicationException;
import java.util.Objects;

/**
 * The one fault family of the service: a code clients can switch on and a message a person can act
 * on (what was wrong, with the offending value, and what to do). It rolls the transaction back, so
 * a refused call leaves no metadata behind.
 */
@ApplicationException(rollback = true)
public class VbsException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final ErrorCode code;

    public VbsException(ErrorCode code, String message) {
        super(message);
        this.code = Objects.requireNonNull(code, "code");
    }

    public VbsException(ErrorCode code, String message, Throwable cause) {
        super(message, cause);
        this.code = Objects.requireNonNull(code, "code");
    }

    public ErrorCode code() {
        return code;
    }
}
