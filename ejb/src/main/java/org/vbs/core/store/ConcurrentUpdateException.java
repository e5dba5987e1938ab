package org.vbs.core.store;

/**
 * A compare-and-set lost a race: the entry is no longer the version the step read. The step is run
 * again from the start (see {@link MetadataTransactions}), so it decides on the current value.
 */
public class ConcurrentUpdateException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public ConcurrentUpdateException(String message) {
        super(message);
    }

    public ConcurrentUpdateException(String message, Throwable cause) {
        super(message, cause);
    }
}
