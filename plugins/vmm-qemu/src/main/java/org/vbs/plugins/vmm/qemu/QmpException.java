package org.vbs.plugins.vmm.qemu;

/**
 * QEMU refused a QMP command: its answer was {@code {"error":{"class":...,"desc":...}}}. Only the
 * command's name, the class and the description are kept: never the command's arguments, which may
 * hold a secret.
 */
final class QmpException extends Exception {
    private static final long serialVersionUID = 1L;

    private final String command;
    private final String errorClass;
    private final String description;

    QmpException(String command, String errorClass, String description) {
        super("QMP " + command + " failed: " + errorClass + ": " + description);
        this.command = command;
        this.errorClass = errorClass;
        this.description = description;
    }

    String command() {
        return command;
    }

    /** QEMU's error class, e.g. {@code GenericError}, {@code DeviceNotFound}. */
    String errorClass() {
        return errorClass;
    }

    String description() {
        return description;
    }
}
