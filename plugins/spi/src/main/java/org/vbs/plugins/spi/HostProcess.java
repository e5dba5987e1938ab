package org.vbs.plugins.spi;

import java.io.InputStream;
import java.io.OutputStream;

/**
 * A program running on a host that a driver talks to while it runs (e.g. a QMP socket through
 * {@code socat}). Closing it ends the program and frees the channel.
 */
public interface HostProcess extends AutoCloseable {
    OutputStream stdin();

    InputStream stdout();

    /** Whether the program still runs. */
    boolean isAlive();

    @Override
    void close();
}
