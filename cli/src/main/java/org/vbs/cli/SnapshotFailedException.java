package org.vbs.cli;

/** {@code create-snapshot --wait}: the snapshot did not complete (it ended in {@code error} or vanished). */
public final class SnapshotFailedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public SnapshotFailedException(String message) {
        super(message);
    }
}
