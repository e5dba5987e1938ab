package org.vbs.plugins.vmm.xen;

import java.util.Map;
import java.util.Optional;
import org.vbs.plugins.spi.ArgType;
import org.vbs.plugins.spi.Command;
import org.vbs.plugins.spi.CommandResult;
import org.vbs.plugins.spi.CommandTemplates;
import org.vbs.plugins.spi.DriverException;
import org.vbs.plugins.spi.HostShell;

/**
 * The driver's command templates and the way it runs them on dom0.
 *
 * <p>A command that carries a CHAP secret ({@code iscsiadm ... -v <password>}) is rendered and run
 * with the secret known, so that whatever it fails with (exit code, timeout, a host that cannot be
 * reached) is reported with the secret masked; the shell's own exception, whose message shows the
 * argv, is not passed on as a cause.
 */
final class Dom0Commands {
    static final String RESOURCE = "/org/vbs/plugins/vmm/xen/commands.properties";

    /** Every placeholder the templates may use, with its type. */
    static final Map<String, ArgType> TYPES = Map.ofEntries(
            Map.entry("domain", ArgType.INSTANCE),
            Map.entry("iqn", ArgType.IQN),
            Map.entry("portal", ArgType.HOST),
            Map.entry("initiator", ArgType.IQN),
            Map.entry("user", ArgType.NAME),
            // Checked before rendering (Dom0Commands#requireCarriable), so a refusal never echoes the value.
            Map.entry("password", ArgType.NAME),
            Map.entry("dev", ArgType.PATH),
            Map.entry("guestDev", ArgType.DEVICE),
            Map.entry("backend", ArgType.PATH));

    private static final String MASK = "****";

    private final HostShell shell;
    private final CommandTemplates templates;

    Dom0Commands(HostShell shell, CommandTemplates templates) {
        this.shell = shell;
        this.templates = templates;
    }

    /** Loads the bundle's templates with the operator's overrides. */
    static CommandTemplates templates(Map<String, String> overrides) throws DriverException {
        return CommandTemplates.load(Dom0Commands.class, RESOURCE, TYPES, overrides);
    }

    String host() {
        return shell.host();
    }

    /** @throws IllegalArgumentException when a value fails its placeholder's type */
    Command command(String key, Map<String, String> values) {
        return templates.get(key).command(values);
    }

    /**
     * A CHAP secret as an argv element: iscsiadm would take more, but the {@code password} type
     * keeps every value to letters, digits and {@code . _ : -}, and the refusal must not show it.
     */
    static void requireCarriable(String secret, String what) {
        if (!ArgType.NAME.accepts(secret)) {
            throw new IllegalArgumentException("the CHAP secret of " + what + " holds characters iscsiadm's argv"
                    + " is not given here (letters, digits and . _ : - only)");
        }
    }

    /** Runs the command to its end, whatever its exit code. */
    CommandResult run(Command command, Optional<String> secret) throws DriverException {
        if (secret.isEmpty()) {
            return shell.run(command);
        }
        try {
            CommandResult result = shell.run(command);
            return new CommandResult(result.exitCode(), mask(result.stdout(), secret), mask(result.stderr(), secret));
        } catch (DriverException e) {
            DriverException masked = new DriverException(e.code(), mask(e.getMessage(), secret));
            masked.setStackTrace(e.getStackTrace());
            throw masked;
        }
    }

    /** Runs the command and fails {@code IO_ERROR} (argv and output, secret masked) unless it exits 0. */
    CommandResult require(Command command, Optional<String> secret) throws DriverException {
        CommandResult result = run(command, secret);
        if (!result.succeeded()) {
            throw failure(command, result, secret);
        }
        return result;
    }

    DriverException failure(Command command, CommandResult result, Optional<String> secret) {
        String said = (result.stderr().isBlank() ? result.stdout() : result.stderr()).strip();
        return new DriverException(DriverException.Code.IO_ERROR, "on host " + shell.host() + ", '"
                + mask(command.toString(), secret) + "' failed with exit code " + result.exitCode() + ": "
                + mask(said, secret));
    }

    static String mask(String text, Optional<String> secret) {
        return secret.filter(s -> !s.isEmpty()).map(s -> text.replace(s, MASK)).orElse(text);
    }
}
