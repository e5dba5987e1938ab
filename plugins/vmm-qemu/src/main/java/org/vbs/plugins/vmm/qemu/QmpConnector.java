package org.vbs.plugins.vmm.qemu;

import java.time.Duration;
import java.util.Map;
import org.vbs.plugins.spi.Command;
import org.vbs.plugins.spi.CommandResult;
import org.vbs.plugins.spi.CommandTemplate;
import org.vbs.plugins.spi.DriverException;
import org.vbs.plugins.spi.HostProcess;
import org.vbs.plugins.spi.HostShell;

/**
 * Opens QMP sessions with the instances of one hypervisor host: runs the {@code qmpConnectCmd}
 * template (by default {@code socat - UNIX-CONNECT:<socket>}) through the host's shell and speaks QMP
 * over its stdin and stdout.
 *
 * <p>An instance that is not running has either no socket or a socket nobody listens on (QEMU was
 * killed and left it behind). When a session cannot be opened, the connect command is run once more
 * to its end to read why on its stderr; socat's {@code No such file or directory} and
 * {@code Connection refused} mean the instance is not running ({@code NOT_FOUND}); anything else is an
 * {@code IO_ERROR}.
 */
final class QmpConnector {
    static final String CONNECT_TEMPLATE = "qmpConnectCmd";

    private static final Duration PROBE_TIMEOUT = Duration.ofSeconds(10);

    private final HostShell shell;
    private final CommandTemplate connect;
    private final QemuSettings settings;

    QmpConnector(HostShell shell, CommandTemplate connect, QemuSettings settings) {
        this.shell = shell;
        this.connect = connect;
        this.settings = settings;
    }

    /**
     * @throws DriverException {@code NOT_FOUND} when the instance is not running; {@code IO_ERROR} when
     *         its QMP socket cannot be reached for another reason
     */
    QmpClient open(String instanceId) throws DriverException {
        String socket = settings.socketOf(instanceId).toString();
        Command command = connect.command(Map.of("socket", socket)).withTimeout(settings.qmpTimeout());
        String peer = "instance " + instanceId + " on host " + shell.host();
        HostProcess process = shell.start(command);
        try {
            return QmpClient.open(process, peer, settings.qmpTimeout());
        } catch (DriverException e) {
            throw whyNotConnected(command.withTimeout(PROBE_TIMEOUT), peer, socket, e);
        }
    }

    private DriverException whyNotConnected(Command probe, String peer, String socket, DriverException failure) {
        CommandResult result;
        try {
            result = shell.run(probe);
        } catch (DriverException e) {
            failure.addSuppressed(e);
            return failure;
        }
        String stderr = result.stderr().strip();
        if (stderr.contains("No such file or directory") || stderr.contains("Connection refused")) {
            return new DriverException(DriverException.Code.NOT_FOUND, peer + " is not running: nothing listens on its"
                    + " QMP socket " + socket + " (" + stderr + ")", failure);
        }
        return failure;
    }
}
