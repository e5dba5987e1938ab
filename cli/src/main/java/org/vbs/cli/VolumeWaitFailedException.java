package org.vbs.cli;

/**
 * {@code attach-volume --wait} / {@code detach-volume --wait}: the volume did not reach the state waited
 * for (it ended in {@code error}, vanished, or the wait limit passed).
 */
public final class VolumeWaitFailedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public VolumeWaitFailedException(String message) {
        super(message);
    }
}
