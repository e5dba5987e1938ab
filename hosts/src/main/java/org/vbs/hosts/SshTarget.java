package org.vbs.hosts;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * Where and how {@link SshHostShell} reaches one host.
 *
 * @param host the host's name as the operator registered it (for logs and faults; also matched
 *        against the known_hosts file besides {@code address})
 * @param address the IP address or DNS name to connect to
 * @param port the sshd port
 * @param user the account commands run as; its login shell must be a POSIX shell (sh, dash, bash)
 * @param privateKey an unencrypted private key file, OpenSSH ({@code ssh-keygen} default) or PEM
 *        format, ed25519, ECDSA or RSA; it must not be readable by group or others
 * @param knownHosts an OpenSSH known_hosts file that pins the host's public key(s)
 * @param connectTimeout how long connecting, the key exchange and the authentication may take
 */
public record SshTarget(String host, String address, int port, String user, Path privateKey, Path knownHosts,
                        Duration connectTimeout) {
    public static final int DEFAULT_PORT = 22;
    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(10);

    public SshTarget {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(user, "user");
        Objects.requireNonNull(privateKey, "privateKey");
        Objects.requireNonNull(knownHosts, "knownHosts");
        Objects.requireNonNull(connectTimeout, "connectTimeout");
        if (host.isBlank() || address.isBlank() || user.isBlank()) {
            throw new IllegalArgumentException("an SSH target needs a host name, an address and a user");
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("not a TCP port: " + port);
        }
        if (connectTimeout.isNegative() || connectTimeout.isZero()) {
            throw new IllegalArgumentException("the connect timeout must be positive: " + connectTimeout);
        }
    }

    /** {@code address:port}, as messages show it. */
    public String endpoint() {
        return (address.indexOf(':') >= 0 ? "[" + address + "]" : address) + ":" + port;
    }
}
