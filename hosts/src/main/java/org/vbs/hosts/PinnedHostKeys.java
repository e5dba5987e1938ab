package org.vbs.hosts;

import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.sshd.client.config.hosts.KnownHostEntry;
import org.apache.sshd.common.config.keys.AuthorizedKeyEntry;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.PublicKeyEntryResolver;
import org.vbs.plugins.spi.DriverException;

/**
 * The host keys an operator pinned for one {@link SshTarget}, read from its OpenSSH known_hosts
 * file: the lines whose host patterns match the target's address or registered name, at its port
 * ({@code [address]:port} for a port other than 22, as {@code ssh-keyscan -p} writes it; hashed
 * names from {@code ssh-keygen -H} match too). A wildcard pattern such as {@code *} matches only port
 * 22 here (MINA SSHD's matching, unlike OpenSSH's): name a non-standard port explicitly.
 * {@code @revoked} lines refuse a key outright;
 * {@code @cert-authority} lines are not supported and are ignored (pin the host's own key).
 */
final class PinnedHostKeys {
    private static final String REVOKED = "revoked";

    private final SshTarget target;
    private final List<PublicKey> pinned;
    private final List<PublicKey> revoked;

    private PinnedHostKeys(SshTarget target, List<PublicKey> pinned, List<PublicKey> revoked) {
        this.target = target;
        this.pinned = List.copyOf(pinned);
        this.revoked = List.copyOf(revoked);
    }

    /**
     * Reads the target's known_hosts file now (it is read again at every connection, so an operator's
     * edit takes effect without a restart).
     *
     * @throws DriverException {@code CONFIGURATION} when the file is missing or a matching line cannot be read
     */
    static PinnedHostKeys read(SshTarget target) throws DriverException {
        List<KnownHostEntry> entries;
        try {
            entries = KnownHostEntry.readKnownHostEntries(target.knownHosts());
        } catch (NoSuchFileException e) {
            throw new DriverException(DriverException.Code.CONFIGURATION, "host " + target.host()
                    + ": the known_hosts file " + target.knownHosts() + " does not exist", e);
        } catch (IOException | RuntimeException e) {
            throw new DriverException(DriverException.Code.CONFIGURATION, "host " + target.host()
                    + ": cannot read the known_hosts file " + target.knownHosts() + ": " + e.getMessage(), e);
        }
        List<PublicKey> pinned = new ArrayList<>();
        List<PublicKey> revoked = new ArrayList<>();
        for (KnownHostEntry entry : entries) {
            if (!matches(entry, target)) {
                continue;
            }
            String marker = entry.getMarker();
            if (marker == null) {
                pinned.add(publicKey(entry, target));
            } else if (REVOKED.equals(marker)) {
                revoked.add(publicKey(entry, target));
            }
        }
        return new PinnedHostKeys(target, pinned, revoked);
    }

    private static boolean matches(KnownHostEntry entry, SshTarget target) {
        return entry.isHostMatch(target.address(), target.port()) || entry.isHostMatch(target.host(), target.port());
    }

    private static PublicKey publicKey(KnownHostEntry entry, SshTarget target) throws DriverException {
        AuthorizedKeyEntry key = entry.getKeyEntry();
        try {
            if (key == null) {
                throw new IOException("no key on the line");
            }
            PublicKey resolved = key.resolvePublicKey(null, PublicKeyEntryResolver.FAILING);
            if (resolved == null) {
                throw new IOException("unsupported key type " + key.getKeyType());
            }
            return resolved;
        } catch (IOException | GeneralSecurityException | RuntimeException e) {
            throw new DriverException(DriverException.Code.CONFIGURATION, "host " + target.host()
                    + ": cannot read the line '" + entry.getConfigLine() + "' of " + target.knownHosts() + ": "
                    + e.getMessage(), e);
        }
    }

    /**
     * Why {@code offered} must be refused, or empty when it is a pinned key. The text names the host,
     * its endpoint and the offered key's SHA256 fingerprint, as {@code ssh-keygen -lf} prints it.
     */
    Optional<String> refusal(PublicKey offered) {
        String seen = KeyUtils.getKeyType(offered) + " key " + KeyUtils.getFingerPrint(offered);
        String where = "host " + target.host() + " (" + target.endpoint() + ")";
        if (revoked.stream().anyMatch(k -> KeyUtils.compareKeys(k, offered))) {
            return Optional.of(where + " offered the " + seen + ", which " + target.knownHosts()
                    + " marks @revoked: refused");
        }
        if (pinned.stream().anyMatch(k -> KeyUtils.compareKeys(k, offered))) {
            return Optional.empty();
        }
        if (pinned.isEmpty()) {
            return Optional.of(where + " offered the " + seen + ", but " + target.knownHosts()
                    + " pins no key for it: refused. Check the fingerprint out of band and add the host's key"
                    + " (see SshHostShell)");
        }
        String offeredType = KeyUtils.getKeyType(offered);
        if (pinned.stream().noneMatch(k -> KeyUtils.getKeyType(k).equals(offeredType))) {
            return Optional.of(where + " offered the " + seen + ", but " + target.knownHosts() + " pins only "
                    + fingerprints(pinned) + " for it and the host no longer offers that key: refused."
                    + " Check the new key out of band before pinning it");
        }
        return Optional.of(where + " offered the " + seen + ", which does not match the pinned "
                + fingerprints(pinned) + " in " + target.knownHosts()
                + ": refused. The host key CHANGED: the host was reinstalled or someone is in the middle");
    }

    /**
     * The key types of the pinned keys, as host key algorithm names ({@code ssh-ed25519},
     * {@code rsa-sha2-512}, ...), so the client can offer them first: a server with several host keys
     * then shows the one that is pinned, as OpenSSH's client does.
     */
    Set<String> algorithms() {
        Set<String> algorithms = new LinkedHashSet<>();
        for (PublicKey key : pinned) {
            String type = KeyUtils.getKeyType(key);
            List<String> equivalent = KeyUtils.getAllEquivalentKeyTypes(type);
            // RSA: prefer the SHA-2 signatures (ssh-rsa is the SHA-1 one and comes last).
            equivalent.stream().filter(t -> !t.equals(type)).sorted((a, b) -> b.compareTo(a)).forEach(algorithms::add);
            algorithms.add(type);
        }
        return algorithms;
    }

    private static String fingerprints(List<PublicKey> keys) {
        return keys.stream().map(k -> KeyUtils.getKeyType(k) + " key " + KeyUtils.getFingerPrint(k))
                .collect(Collectors.joining(", "));
    }
}
