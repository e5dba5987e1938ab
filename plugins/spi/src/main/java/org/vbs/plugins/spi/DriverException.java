package org.vbs.plugins.spi;

/**
 * The one fault a plugin raises. The code says what kind of failure it is, so the core can map it
 * to a client fault without parsing messages; the message says what happened, with the volume or
 * snapshot id, and never a secret.
 */
public class DriverException extends Exception {
    private static final long serialVersionUID = 1L;

    /** Stable codes: names may be documented to operators, so they never change meaning. */
    public enum Code {
        /** The volume or snapshot's storage does not exist. */
        NOT_FOUND,
        /** The storage already exists (an id was reused). */
        ALREADY_EXISTS,
        /** The pool has no room for the request. */
        INSUFFICIENT_CAPACITY,
        /** The backend cannot do this (see {@link Capability}). */
        UNSUPPORTED,
        /** A host command or I/O failed; may succeed if retried. */
        IO_ERROR,
        /** The plugin is misconfigured (pool missing, bad template). */
        CONFIGURATION
    }

    private final Code code;

    public DriverException(Code code, String message) {
        super(message);
        this.code = code;
    }

    public DriverException(Code code, String message, Throwable cause) {
        super(message, cause);
        this.code = code;
    }

    public Code code() {
        return code;
    }
}
