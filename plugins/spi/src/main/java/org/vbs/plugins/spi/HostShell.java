package org.vbs.plugins.spi;

/**
 * Runs programs on one host: a volume server or a hypervisor host. The core gives each driver the
 * shell of the host it is configured for: a local process when the service runs there, SSH (key
 * authentication, pinned host key) otherwise. A driver never builds a shell string: argv arrays only.
 *
 * <p>Implementations are thread-safe.
 */
@org.osgi.annotation.versioning.ProviderType
public interface HostShell {

    /** The host's name as the operator registered it, for logs and faults. */
    String host();

    /**
     * Runs a command to its end or its timeout.
     *
     * @return how it ended, whatever its exit code
     * @throws DriverException {@code IO_ERROR} when the host cannot be reached or the command timed
     *         out (it is then killed); {@code CONFIGURATION} when the host's identity or the service's
     *         credentials are refused (a remote shell: host key not pinned or changed, key not authorized)
     */
    CommandResult run(Command command) throws DriverException;

    /**
     * Starts a command and hands back its streams; its {@link Command#timeout()} bounds only the start.
     *
     * @throws DriverException {@code IO_ERROR} when the host cannot be reached or the program not started;
     *         {@code CONFIGURATION} as for {@link #run}
     */
    HostProcess start(Command command) throws DriverException;
}
