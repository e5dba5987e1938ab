package org.vbs.it.support;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** A server's console log read from an offset: what it wrote since a test noted the log's length. */
public final class ConsoleLog {
    private ConsoleLog() {
    }

    /** @return what the log holds after {@code offset} bytes (nothing if it is shorter) */
    public static String since(Path log, long offset) throws IOException {
        byte[] all = Files.readAllBytes(log);
        int from = (int) Math.min(offset, all.length);
        return new String(all, from, all.length - from, StandardCharsets.UTF_8);
    }
}
