package org.vbs.security;

import java.nio.file.Path;

/**
 * A credential, key store or PKI file is missing, unreadable, garbled or inconsistent. The message
 * names the file and says what is wrong with it, so an operator can act on it directly.
 */
public final class SecurityConfigException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** Kept as text: {@link Path} is not serializable. */
    private final String file;

    /** A problem with one file; the message reads "{@code <file>: <problem>}". */
    public SecurityConfigException(Path file, String problem) {
        super(file + ": " + problem);
        this.file = file.toString();
    }

    public SecurityConfigException(Path file, String problem, Throwable cause) {
        super(file + ": " + problem, cause);
        this.file = file.toString();
    }

    /** The file the problem is about. */
    public Path file() {
        return Path.of(file);
    }
}
