package org.vbs.core.host;

import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;
import org.vbs.core.domain.UserText;

/**
 * A volume server or hypervisor host as an operator registered it: how the service reaches it and
 * which drivers it runs (at most one of each {@link DriverKind}).
 *
 * @param name the name users and operators know it by ({@code --host local})
 * @param transport how commands reach it
 * @param address its address (what an iSCSI target admits, what SSH connects to)
 * @param ssh the SSH settings, for {@link Transport#SSH} only
 */
public record HostRegistration(String name, Transport transport, String address, Optional<SshSettings> ssh,
                               Map<DriverKind, DriverRegistration> drivers) {
    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9-]{0,62}");

    /** How the service runs commands on a host. */
    public enum Transport {
        /** The service's own host: child processes. */
        LOCAL,
        /** Another host: SSH with key authentication and a pinned host key. */
        SSH
    }

    /**
     * @param user the login
     * @param port the SSH port
     * @param privateKey the service's private key file for this host
     * @param knownHosts the known_hosts file pinning the host's key
     */
    public record SshSettings(String user, int port, String privateKey, String knownHosts) {
        public SshSettings {
            Objects.requireNonNull(user, "user");
            Objects.requireNonNull(privateKey, "privateKey");
            Objects.requireNonNull(knownHosts, "knownHosts");
        }
    }

    public HostRegistration {
        checkName(name);
        Objects.requireNonNull(transport, "transport");
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(ssh, "ssh");
        if ((transport == Transport.SSH) != ssh.isPresent()) {
            throw new IllegalArgumentException("host " + name + ": SSH settings go with transport ssh, and only then");
        }
        drivers = drivers.isEmpty() ? Map.of() : Map.copyOf(new EnumMap<>(drivers));
    }

    /**
     * @return the name, when it is one: it names a file and appears in IQNs and log lines
     * @throws IllegalArgumentException otherwise
     */
    public static String checkName(String name) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("a host name must be 1 to 63 of a-z, 0-9 and '-' (a letter or digit"
                    + " first), not " + UserText.quote(name));
        }
        return name;
    }

    public Optional<DriverRegistration> driver(DriverKind kind) {
        return Optional.ofNullable(drivers.get(kind));
    }
}
