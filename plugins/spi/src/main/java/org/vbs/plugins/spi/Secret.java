package org.vbs.plugins.spi;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;

/**
 * A credential (a CHAP secret): its {@link #toString()} never shows the value, and {@link #close()}
 * overwrites it. Drivers hand it to tools through stdin, a 0600 file or a control socket, never argv,
 * wherever the tool allows.
 */
public final class Secret implements AutoCloseable {
    private final char[] value;
    private boolean closed;

    private Secret(char[] value) {
        this.value = value;
    }

    /** Takes a copy of {@code value}; the caller should clear its own array. */
    public static Secret of(char[] value) {
        Objects.requireNonNull(value, "value");
        if (value.length == 0) {
            throw new IllegalArgumentException("a secret must not be empty");
        }
        return new Secret(value.clone());
    }

    /** The value; fails once the secret is closed. */
    public synchronized char[] reveal() {
        if (closed) {
            throw new IllegalStateException("the secret was closed");
        }
        return value.clone();
    }

    /** The value as UTF-8 bytes, for a stdin or a file: clear the array after use. */
    public byte[] revealBytes() {
        char[] chars = reveal();
        try {
            return new String(chars).getBytes(StandardCharsets.UTF_8);
        } finally {
            Arrays.fill(chars, '\0');
        }
    }

    public int length() {
        return value.length;
    }

    @Override
    public synchronized void close() {
        Arrays.fill(value, '\0');
        closed = true;
    }

    @Override
    public String toString() {
        return "Secret[****]";
    }
}
