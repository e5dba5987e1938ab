package org.vbs.cli;

/**
 * A call that no endpoint took ({@link FailoverPort}), or that stopped at an endpoint that may have
 * taken it. The message names every endpoint tried and why it failed; the cause is the last failure,
 * whose code and exit status the user sees ({@link Failure#of}).
 */
final class EndpointsFailedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    EndpointsFailedException(String message, Throwable last) {
        super(message, last);
    }
}
