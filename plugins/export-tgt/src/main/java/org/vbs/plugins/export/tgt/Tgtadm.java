package org.vbs.plugins.export.tgt;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.vbs.plugins.spi.ArgType;
import org.vbs.plugins.spi.Command;
import org.vbs.plugins.spi.CommandResult;
import org.vbs.plugins.spi.CommandTemplates;
import org.vbs.plugins.spi.DriverException;
import org.vbs.plugins.spi.HostShell;

/**
 * Runs the driver's command templates (tgtadm, and {@code test} for the backing path) on the volume
 * server through its {@link HostShell}: argv arrays only. The templates' {@code <control>} and
 * {@code <lld>} come from the settings; the caller gives the rest.
 *
 * <p>A command that carries a CHAP secret is run by {@link #runWithSecret}: whatever it fails with
 * (exit code, timeout, a host that cannot be reached) is reported with the secret masked, and the
 * shell's own exception, whose message shows the argv, is not passed on.
 */
final class Tgtadm {
    static final String RESOURCE = "/org/vbs/plugins/export/tgt/commands.properties";

    /** Every placeholder the templates may use, with its type. */
    static final Map<String, ArgType> TYPES = Map.ofEntries(
            Map.entry("control", ArgType.NUMBER),
            Map.entry("lld", ArgType.NAME),
            Map.entry("tid", ArgType.NUMBER),
            Map.entry("iqn", ArgType.IQN),
            Map.entry("lun", ArgType.NUMBER),
            Map.entry("path", ArgType.PATH),
            Map.entry("volumeId", ArgType.VOLUME_ID),
            Map.entry("initiatorName", ArgType.IQN),
            Map.entry("initiatorAddress", ArgType.HOST),
            Map.entry("user", ArgType.NAME),
            Map.entry("sid", ArgType.NUMBER),
            Map.entry("cid", ArgType.NUMBER),
            // Checked by ChapSecret before rendering, so a refusal never echoes the value.
            Map.entry("password", ArgType.NAME));

    private static final String MASK = "****";

    private final HostShell shell;
    private final CommandTemplates templates;
    private final TgtSettings settings;

    Tgtadm(HostShell shell, CommandTemplates templates, TgtSettings settings) {
        this.shell = shell;
        this.templates = templates;
        this.settings = settings;
    }

    /** Loads the bundle's templates with the operator's overrides. */
    static CommandTemplates templates(Map<String, String> overrides) throws DriverException {
        return CommandTemplates.load(Tgtadm.class, RESOURCE, TYPES, overrides);
    }

    String host() {
        return shell.host();
    }

    /** Runs a template that carries no secret, whatever its exit code. */
    CommandResult run(String key, Map<String, String> values) throws DriverException {
        return shell.run(command(key, values));
    }

    /** Runs a template that carries no secret; fails unless it exits 0 (the message shows argv and stderr). */
    CommandResult require(String key, Map<String, String> values) throws DriverException {
        Command command = command(key, values);
        return shell.run(command).requireSuccess(shell.host(), command);
    }

    /**
     * Runs a template whose {@code <password>} is {@code secret}; fails unless it exits 0, with the
     * secret masked in the message. The secret is in the program's argv (visible in
     * {@code /proc/PID/cmdline}) only while this one command runs.
     */
    CommandResult runWithSecret(String key, Map<String, String> values, String secret) throws DriverException {
        Map<String, String> withSecret = new HashMap<>(values);
        withSecret.put("password", secret);
        Command command = command(key, withSecret);
        String shown = mask(command.toString(), secret);
        CommandResult result;
        try {
            result = shell.run(command);
        } catch (DriverException e) {
            DriverException masked = new DriverException(e.code(), mask(e.getMessage(), secret));
            masked.setStackTrace(e.getStackTrace());
            throw masked;
        }
        if (!result.succeeded()) {
            String said = (result.stderr().isBlank() ? result.stdout() : result.stderr()).strip();
            throw new DriverException(DriverException.Code.IO_ERROR, "on host " + shell.host() + ", '" + shown
                    + "' failed with exit code " + result.exitCode() + ": " + mask(said, secret));
        }
        return new CommandResult(result.exitCode(), mask(result.stdout(), secret), mask(result.stderr(), secret));
    }

    /** The command a template renders to (for messages). */
    Command command(String key, Map<String, String> values) {
        Map<String, String> all = new HashMap<>(values);
        all.put("control", String.valueOf(settings.control()));
        all.put("lld", settings.lld());
        return templates.get(key).command(all);
    }

    private static String mask(String text, String secret) {
        return text == null ? "" : text.replace(secret, MASK);
    }

    /** The one-line summary of a failed command's output, for messages. */
    static String said(CommandResult result) {
        return (result.stderr().isBlank() ? result.stdout() : result.stderr()).strip();
    }

    /** A values map, for brevity at call sites. */
    static Map<String, String> values(String... keysAndValues) {
        Map<String, String> map = new HashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            map.put(keysAndValues[i], keysAndValues[i + 1]);
        }
        return map;
    }

    /** tgtadm's error texts the driver acts on (tgt 1.0.85, {@code usr/tgtadm.c} tgtadm_strerror). */
    static boolean says(CommandResult result, String error) {
        return !result.succeeded() && said(result).contains(error);
    }

    /**
     * Nothing listens on the control socket: tgtd is not running (tgtadm 1.0.85 reports a refused connect
     * as the failed write that follows it).
     */
    static boolean saysNoDaemon(CommandResult result) {
        return says(result, "can't connect to the tgt daemon") || says(result, "failed to send request hdr to tgt daemon");
    }

    static final String TARGET_EXISTS = "this target already exists";
    static final String NO_TARGET = "can't find the target";
    static final String NO_ACCOUNT = "can't find the account";
    /** "this logical unit is still active" or "this target is still active". */
    static final String STILL_ACTIVE = "is still active";
    static final String NO_ACL = "this access control rule does not exist";
    static final String NO_SESSION = "can't find the session";
    static final String NO_CONNECTION = "can't find the connection";

    /** The template keys, one constant each so a typo fails to compile. */
    static final String TARGET_SHOW = "targetShowCmd";
    static final String TARGET_NEW = "targetNewCmd";
    static final String TARGET_DELETE = "targetDeleteCmd";
    static final String BACKING_CHECK = "backingCheckCmd";
    static final String LUN_NEW = "lunNewCmd";
    static final String LUN_SERIAL = "lunSerialCmd";
    static final String LUN_DELETE = "lunDeleteCmd";
    static final String ACL_BIND_NAME = "aclBindNameCmd";
    static final String ACL_UNBIND_NAME = "aclUnbindNameCmd";
    static final String ACL_BIND_ADDRESS = "aclBindAddressCmd";
    static final String ACL_UNBIND_ADDRESS = "aclUnbindAddressCmd";
    static final String ACCOUNT_NEW = "accountNewCmd";
    static final String ACCOUNT_DELETE = "accountDeleteCmd";
    static final String ACCOUNT_BIND = "accountBindCmd";
    static final String ACCOUNT_UNBIND = "accountUnbindCmd";
    static final String ACCOUNT_BIND_OUTGOING = "accountBindOutgoingCmd";
    static final String ACCOUNT_UNBIND_OUTGOING = "accountUnbindOutgoingCmd";
    static final String CONN_DELETE = "connDeleteCmd";

    static final List<String> KEYS = List.of(TARGET_SHOW, TARGET_NEW, TARGET_DELETE, BACKING_CHECK, LUN_NEW, LUN_SERIAL,
            LUN_DELETE, ACL_BIND_NAME, ACL_UNBIND_NAME, ACL_BIND_ADDRESS, ACL_UNBIND_ADDRESS, ACCOUNT_NEW,
            ACCOUNT_DELETE, ACCOUNT_BIND, ACCOUNT_UNBIND, ACCOUNT_BIND_OUTGOING, ACCOUNT_UNBIND_OUTGOING, CONN_DELETE);
}
