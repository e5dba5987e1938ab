package org.vbs.cli;

/** The exit statuses of {@code vbs}: scripts switch on these, so a number never changes meaning. */
public final class ExitCode {
    /** The command did what was asked. */
    public static final int OK = 0;
    /** The service refused or failed the call (a SOAP fault with an EBS-style code). */
    public static final int SERVICE_FAULT = 1;
    /**
     * {@code proxy-info --exists} only (as grid-proxy-info -exists): there is no proxy, or it is not
     * valid (for as long as --valid asks).
     */
    public static final int NO_VALID_PROXY = 1;
    /** The command line was wrong; nothing was sent. */
    public static final int USAGE = 2;
    /** The service could not be reached, or a credential/trust file could not be used. */
    public static final int CONNECTION = 3;
    /** {@code create-snapshot --wait}: the snapshot was created but ended in state {@code error}. */
    public static final int SNAPSHOT_FAILED = 4;
    /**
     * {@code attach-volume --wait} / {@code detach-volume --wait}: the call was accepted but the volume
     * ended in {@code error}, vanished, or did not reach {@code in-use} / {@code available} in time.
     */
    public static final int VOLUME_WAIT_FAILED = 5;
    /** A fault of the client itself (a bug): sysexits' EX_SOFTWARE. */
    public static final int CLIENT_BUG = 70;

    private ExitCode() {
    }
}
