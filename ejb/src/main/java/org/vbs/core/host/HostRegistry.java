package org.vbs.core.host;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import org.jboss.logging.Logger;
import org.vbs.core.api.ErrorCode;
import org.vbs.core.api.VbsException;
import org.vbs.core.domain.UserText;

/**
 * The hosts this node knows, from two sources:
 * <ul>
 *   <li>the cluster's registrations ({@link SharedHosts}): what RegisterHost registered through any
 *       node, used by every node until DeregisterHost removes it through any node, kept across a
 *       restart of every node;</li>
 *   <li>this node's host files ({@code $VBS_HOME/hosts/*.properties}), read at start: the operator's
 *       configuration of this node (and the run script's {@code local} host), used by this node only.</li>
 * </ul>
 * A name both define the same way is one host. A name they define differently is used by neither:
 * every node that used it would otherwise run its operations on something else, so this node refuses
 * it (ServiceUnavailable naming the file and the registration), logs it as an error, and DescribeHosts
 * shows it with that problem, until an operator makes them agree. Reads never wait; this node's changes
 * are one at a time, and the cluster's transactions settle changes of one name through two nodes.
 */
public final class HostRegistry {
    /** The problem kind DescribeHosts shows for a host this node does not use. */
    public static final String REGISTRATION_PROBLEM = "registration";
    private static final Logger LOG = Logger.getLogger(HostRegistry.class);

    /**
     * A host this node knows.
     *
     * @param unusable why this node does not use it, if it does not
     */
    public record Known(HostRegistration registration, Optional<String> unusable) {
    }

    private final Path dir;
    private final SharedHosts shared;
    private volatile List<HostRegistration> files;
    /**
     * The last combination, kept while neither source changes: placement and every driver lookup ask,
     * and parsing each registration each time made CreateVolume and AttachVolume slower.
     * {@link SharedHosts#all()} answers the same map until the cluster's registrations change.
     */
    private volatile Combined combined;
    /** Each disagreement is logged once, not at every read. */
    private final Set<String> reported = ConcurrentHashMap.newKeySet();

    private record Combined(List<HostRegistration> files, Map<String, RegisteredHost> shared, List<Known> known) {
    }

    private HostRegistry(Path dir, SharedHosts shared, List<HostRegistration> files) {
        this.dir = dir;
        this.shared = Objects.requireNonNull(shared, "shared");
        this.files = sorted(files);
    }

    /**
     * The registry of the cluster's registrations and the files in {@code dir}.
     *
     * @throws IllegalArgumentException naming the file and key when a file is not a valid registration
     */
    public static HostRegistry open(Path dir, SharedHosts shared) throws IOException {
        return new HostRegistry(dir, shared, HostsDirectory.read(dir));
    }

    /** The hosts of this node's files, as read at start and changed since by DeregisterHost. */
    public List<HostRegistration> files() {
        return files;
    }

    /**
     * Every host this node knows, by name, with why it does not use one.
     *
     * @throws VbsException ServiceUnavailable on the minority side of a partition
     */
    public List<Known> known() {
        List<HostRegistration> ofFiles = files;
        Map<String, RegisteredHost> ofCluster = shared.all();
        Combined last = combined;
        if (last != null && last.files() == ofFiles && last.shared() == ofCluster) {
            return last.known();
        }
        List<Known> known = combine(ofFiles, ofCluster);
        combined = new Combined(ofFiles, ofCluster, known);
        return known;
    }

    private List<Known> combine(List<HostRegistration> ofFiles, Map<String, RegisteredHost> ofCluster) {
        Map<String, Known> byName = new TreeMap<>();
        ofFiles.forEach(file -> byName.put(file.name(), new Known(file, Optional.empty())));
        for (RegisteredHost entry : ofCluster.values()) {
            Optional<HostRegistration> file = Optional.ofNullable(byName.get(entry.name())).map(Known::registration);
            HostRegistration registration;
            try {
                registration = HostsDirectory.registration(HostRegistration.checkName(entry.name()), entry.items());
            } catch (IllegalArgumentException e) {
                // Written by a node whose parser takes what this one does not (a later version).
                String problem = "The cluster's registration of host " + UserText.quote(entry.name())
                        + " is not valid on this node (" + e.getMessage() + "), so this node does not use it.";
                report(problem, entry);
                file.ifPresent(f -> byName.put(f.name(), new Known(f, Optional.of(problem))));
                continue;
            }
            if (file.isEmpty()) {
                byName.put(registration.name(), new Known(registration, Optional.empty()));
            } else if (!file.get().equals(registration)) {
                String ours = summary(file.get());
                String theirs = summary(registration);
                String problem = "Host '" + registration.name() + "' is defined one way by this node's file "
                        + HostsDirectory.file(dir, registration.name()) + " and another by the cluster's registration"
                        + " (RegisterHost): " + (ours.equals(theirs) ? "both " + ours + ", but other keys differ"
                                : ours + " against " + theirs)
                        + ". So this node does not use it; an operator must deregister it (which removes both) or"
                        + " make the file the same and restart this node.";
                report(problem, entry);
                byName.put(registration.name(), new Known(file.get(), Optional.of(problem)));
            }
        }
        return List.copyOf(byName.values());
    }

    /** Every host this node uses, by name. */
    public List<HostRegistration> registrations() {
        return known().stream().filter(k -> k.unusable().isEmpty()).map(Known::registration).toList();
    }

    public Optional<HostRegistration> find(String name) {
        return registrations().stream().filter(h -> h.name().equals(name)).findFirst();
    }

    /** The fault for a host this node does not use: ServiceUnavailable, saying why. */
    public VbsException unusable(String name) {
        return new VbsException(ErrorCode.SERVICE_UNAVAILABLE, known().stream().filter(k -> k.registration().name()
                .equals(name)).findFirst().flatMap(Known::unusable)
                .orElse("No host named " + UserText.quote(name) + " is registered."));
    }

    /**
     * Registers a host for the whole cluster from the keys and values of a host file, checked as a
     * file is; every node uses it from when this returns.
     *
     * @param acceptable checks the parsed registration further (throws to refuse it) before anything is written
     * @throws VbsException InvalidParameterValue naming the key when the registration is not valid;
     *         InvalidHost.Duplicate when the cluster has a host of that name, or this node a file
     *         (nothing written)
     */
    public synchronized HostRegistration register(String name, Map<String, String> items,
                                                  Consumer<HostRegistration> acceptable) {
        HostRegistration registration;
        try {
            registration = HostsDirectory.registration(HostRegistration.checkName(name), items);
        } catch (IllegalArgumentException e) {
            throw new VbsException(ErrorCode.INVALID_PARAMETER_VALUE, "Host " + UserText.quote(name)
                    + " cannot be registered: " + e.getMessage() + ".", e);
        }
        registration.ssh().ifPresent(HostRegistry::requireSshFiles);
        acceptable.accept(registration);
        boolean fileOfThisNode = files.stream().anyMatch(h -> h.name().equals(name))
                || Files.exists(HostsDirectory.file(dir, name));
        if (fileOfThisNode || !shared.add(new RegisteredHost(name, items))) {
            throw new VbsException(ErrorCode.INVALID_HOST_DUPLICATE, "Host '" + name + "' is registered already;"
                    + " deregister it first to register it anew.");
        }
        return registration;
    }

    /**
     * Deregisters a host: the cluster's registration and this node's file of that name. Both are
     * taken away first (so no node places anything new on it while {@code stillUnused} looks at the
     * whole cluster's volumes), then the file is deleted. When {@code stillUnused} throws, both are
     * put back.
     *
     * @param stillUnused given the name; throws to refuse
     * @throws VbsException InvalidHost.NotFound when neither the cluster nor this node has such a host
     */
    public synchronized void deregister(String name, Consumer<String> stillUnused) {
        boolean file = files.stream().anyMatch(h -> h.name().equals(name));
        Optional<RegisteredHost> entry = Optional.ofNullable(shared.all().get(name));
        // Another node may deregister it meanwhile: then only what is left here is this one's to remove.
        boolean removed = entry.isPresent() && shared.remove(entry.get());
        if (!file && !removed) {
            throw notFound(name);
        }
        List<HostRegistration> before = files;
        files = before.stream().filter(h -> !h.name().equals(name)).toList();
        try {
            stillUnused.accept(name);
            if (file) {
                Files.deleteIfExists(HostsDirectory.file(dir, name));
            }
        } catch (IOException e) {
            UncheckedIOException failure = new UncheckedIOException("host " + name + ": its file cannot be deleted", e);
            putBack(name, before, removed ? entry : Optional.empty(), failure);
            throw failure;
        } catch (RuntimeException e) {
            putBack(name, before, removed ? entry : Optional.empty(), e);
            throw e;
        }
    }

    private void putBack(String name, List<HostRegistration> before, Optional<RegisteredHost> entry,
                         RuntimeException refusal) {
        files = before;
        try {
            if (entry.isPresent() && !shared.add(entry.get())) {
                LOG.warnf("Host %s: its deregistration was refused, but it was registered anew through another node"
                        + " meanwhile; that registration stands", name);
            }
        } catch (RuntimeException e) {
            LOG.errorf(e, "Host %s: its deregistration was refused, but its cluster registration cannot be put back:"
                    + " register it again", name);
            refusal.addSuppressed(e);
        }
    }

    /**
     * A new SSH host's key and pinned host keys must be there now: a typo is found at registration,
     * not at the first attach. (A file read at start is not held to this, so a missing key file stops
     * only that host's drivers, not the service.) Another node needs them at the same paths; where
     * they are missing, DescribeHosts through it shows its drivers' problem.
     */
    private static void requireSshFiles(HostRegistration.SshSettings ssh) {
        for (Map.Entry<String, String> file : Map.of("ssh.privateKey", ssh.privateKey(), "ssh.knownHosts",
                ssh.knownHosts()).entrySet()) {
            Path path = Path.of(file.getValue());
            if (!path.isAbsolute() || !Files.isRegularFile(path) || !Files.isReadable(path)) {
                throw new VbsException(ErrorCode.INVALID_PARAMETER_VALUE, file.getKey() + " must name a readable file"
                        + " by its absolute path, not " + UserText.quote(file.getValue()) + ".");
            }
        }
    }

    private void report(String problem, RegisteredHost entry) {
        if (reported.add(problem + entry.hashCode())) {
            LOG.error(problem);
        }
    }

    /** Transport, address and driver ids: never a driver property, which may be a secret. */
    private static String summary(HostRegistration host) {
        return host.transport().name().toLowerCase(Locale.ROOT) + ", " + host.address() + ", drivers "
                + new TreeMap<>(host.drivers()).entrySet().stream()
                        .map(d -> d.getKey().prefix() + "=" + d.getValue().driverId()).toList();
    }

    /** The fault for a host name that is not registered. */
    public static VbsException notFound(String name) {
        return new VbsException(ErrorCode.INVALID_HOST_NOT_FOUND, "No host " + UserText.quote(name)
                + " is registered.");
    }

    private static List<HostRegistration> sorted(List<HostRegistration> hosts) {
        return hosts.stream().sorted(Comparator.comparing(HostRegistration::name)).toList();
    }
}
