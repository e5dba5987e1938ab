package org.vbs.plugins.vmm.libvirt;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import org.vbs.plugins.spi.Command;
import org.vbs.plugins.spi.CommandResult;
import org.vbs.plugins.spi.CommandTemplates;
import org.vbs.plugins.spi.DriverException;
import org.vbs.plugins.spi.HostShell;
import org.vbs.plugins.spi.Secret;

/**
 * The virsh verbs the driver uses, one method each, rendered from the bundle's (or the operator's)
 * command templates and run through the host's shell. Documents and the secret value go to virsh's
 * stdin (the templates name {@code /dev/stdin} as the file), never into argv.
 *
 * <p>Failures are {@link DriverException}s whose message is virsh's own error text; libvirt's errors
 * name objects (domain, secret UUID, target), never a secret's value. A missing domain or secret is
 * told by virsh's English text, which the default templates pin with {@code env LC_ALL=C} (an SSH
 * session may carry another locale).
 */
final class Virsh {
    static final String URI = "uri";
    static final String DOMAIN = "domain";
    static final String SECRET = "secret";

    static final String DUMP_XML = "dumpXmlCmd";
    static final String SECRET_DEFINE = "secretDefineCmd";
    static final String SECRET_SET_VALUE = "secretSetValueCmd";
    static final String SECRET_UNDEFINE = "secretUndefineCmd";
    static final String ATTACH_DEVICE = "attachDeviceCmd";
    static final String DETACH_DEVICE = "detachDeviceCmd";

    private final HostShell shell;
    private final CommandTemplates templates;
    private final LibvirtSettings settings;

    Virsh(HostShell shell, CommandTemplates templates, LibvirtSettings settings) {
        this.shell = shell;
        this.templates = templates;
        this.settings = settings;
    }

    String host() {
        return shell.host();
    }

    /**
     * The domain's live XML.
     *
     * @throws DriverException {@code NOT_FOUND} when libvirt has no such (running or defined) domain
     */
    String dumpXml(String domain) throws DriverException {
        Command command = command(DUMP_XML, Map.of(URI, settings.uri(), DOMAIN, domain));
        CommandResult result = shell.run(command);
        if (!result.succeeded() && result.stderr().contains("failed to get domain '" + domain + "'")) {
            throw new DriverException(DriverException.Code.NOT_FOUND, "libvirt on host " + host() + " has no domain "
                    + domain + " (" + result.stderr().strip() + ")");
        }
        return result.requireSuccess(host(), command).stdout();
    }

    void defineSecret(String secretXml) throws DriverException {
        run(command(SECRET_DEFINE, Map.of(URI, settings.uri())).withStdin(utf8(secretXml)));
    }

    /** The value goes to virsh's stdin; the bytes handed to the shell are overwritten afterwards. */
    void setSecretValue(String uuid, Secret value) throws DriverException {
        byte[] bytes = value.revealBytes();
        try {
            run(command(SECRET_SET_VALUE, Map.of(URI, settings.uri(), SECRET, uuid)).withStdin(bytes));
        } finally {
            Arrays.fill(bytes, (byte) 0);
        }
    }

    /** @return whether there was such a secret (an absent one is no failure: removals may be repeated) */
    boolean undefineSecret(String uuid) throws DriverException {
        Command command = command(SECRET_UNDEFINE, Map.of(URI, settings.uri(), SECRET, uuid));
        CommandResult result = shell.run(command);
        if (!result.succeeded() && result.stderr().contains("Secret not found")) {
            return false;
        }
        result.requireSuccess(host(), command);
        return true;
    }

    void attachDevice(String domain, String deviceXml) throws DriverException {
        run(command(ATTACH_DEVICE, Map.of(URI, settings.uri(), DOMAIN, domain)).withStdin(utf8(deviceXml)));
    }

    void detachDevice(String domain, String deviceXml) throws DriverException {
        run(command(DETACH_DEVICE, Map.of(URI, settings.uri(), DOMAIN, domain)).withStdin(utf8(deviceXml)));
    }

    private Command command(String template, Map<String, String> values) {
        return templates.get(template).command(values).withTimeout(settings.commandTimeout());
    }

    private void run(Command command) throws DriverException {
        shell.run(command).requireSuccess(host(), command);
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
