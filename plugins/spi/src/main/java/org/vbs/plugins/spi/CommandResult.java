package org.vbs.plugins.spi;

import java.util.Objects;

/** How a host command ended: its exit code and what it printed. */
public record CommandResult(int exitCode, String stdout, String stderr) {
    public CommandResult {
        Objects.requireNonNull(stdout, "stdout");
        Objects.requireNonNull(stderr, "stderr");
    }

    public boolean succeeded() {
        return exitCode == 0;
    }

    /**
     * This result if the command succeeded; otherwise an {@link DriverException.Code#IO_ERROR} naming
     * the host, the command (argv only) and what it printed on stderr.
     */
    public CommandResult requireSuccess(String host, Command command) throws DriverException {
        if (!succeeded()) {
            throw new DriverException(DriverException.Code.IO_ERROR, "on host " + host + ", '" + command
                    + "' failed with exit code " + exitCode + ": " + (stderr.isBlank() ? stdout : stderr).strip());
        }
        return this;
    }
}
