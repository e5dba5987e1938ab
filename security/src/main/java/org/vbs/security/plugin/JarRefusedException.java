package org.vbs.security.plugin;

import java.nio.file.Path;

/** A plugin jar that must not be installed, with the reason an operator can act on. */
public final class JarRefusedException extends Exception {
    private static final long serialVersionUID = 1L;

    private final transient Path jar;
    private final String reason;

    public JarRefusedException(Path jar, String reason) {
        this(jar, reason, null);
    }

    public JarRefusedException(Path jar, String reason, Throwable cause) {
        super(jar + ": " + reason, cause);
        this.jar = jar;
        this.reason = reason;
    }

    public Path jar() {
        return jar;
    }

    /** Why it was refused, without the file name. */
    public String reason() {
        return reason;
    }
}
