package org.vbs.core.service;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.jboss.logging.Logger;
import org.vbs.core.api.ErrorCode;
import org.vbs.core.api.HostAdministration;
import org.vbs.core.api.RequestContext;
import org.vbs.core.api.VbsException;
import org.vbs.core.auth.AdminList;
import org.vbs.core.domain.SnapshotRecord;
import org.vbs.core.domain.UserText;
import org.vbs.core.domain.VolumeRecord;
import org.vbs.core.host.HostDriverStates;
import org.vbs.core.host.HostRegistration;
import org.vbs.core.host.HostRegistry;
import org.vbs.plugins.spi.DriverFactory;

/**
 * RegisterHost, DescribeHosts and DeregisterHost, for administrators: the registry keeps the hosts
 * (the cluster's registrations and this node's files), the metadata tells whether a host is still used
 * anywhere in the cluster, the drivers' states
 * tell whether a host works. Everything else is refused with the same answer DescribePlugins gives.
 */
public final class HostAdmin implements HostAdministration {
    private static final Logger LOG = Logger.getLogger(HostAdmin.class);

    private final HostRegistry registry;
    private final HostDriverStates drivers;
    private final AdminList admins;
    private final Supplier<Collection<VolumeRecord>> volumes;
    private final Supplier<Collection<SnapshotRecord>> snapshots;

    /**
     * @param volumes every volume of every owner (read when a host is deregistered)
     * @param snapshots every snapshot of every owner
     */
    public HostAdmin(HostRegistry registry, HostDriverStates drivers, AdminList admins,
                     Supplier<Collection<VolumeRecord>> volumes, Supplier<Collection<SnapshotRecord>> snapshots) {
        this.registry = Objects.requireNonNull(registry, "registry");
        this.drivers = Objects.requireNonNull(drivers, "drivers");
        this.admins = Objects.requireNonNull(admins, "admins");
        this.volumes = Objects.requireNonNull(volumes, "volumes");
        this.snapshots = Objects.requireNonNull(snapshots, "snapshots");
    }

    @Override
    public Host registerHost(RequestContext request, String name, Map<String, String> items) {
        requireAdmin(request);
        HostRegistration host = registry.register(name, items, this::requireDeclaredProperties);
        // Driver ids only: a driver's properties may hold a secret.
        LOG.infof("Host %s registered for the cluster by %s (request %s): %s, %s, drivers %s", host.name(),
                request.caller(), request.requestId(), transport(host), host.address(), driverIds(host));
        return describe(new HostRegistry.Known(host, Optional.empty()));
    }

    @Override
    public List<Host> describeHosts(RequestContext request, Set<String> names) {
        requireAdmin(request);
        List<HostRegistry.Known> hosts = registry.known();
        for (String name : names) {
            if (hosts.stream().noneMatch(h -> h.registration().name().equals(name))) {
                throw HostRegistry.notFound(name);
            }
        }
        return hosts.stream().filter(h -> names.isEmpty() || names.contains(h.registration().name()))
                .map(this::describe).toList();
    }

    @Override
    public void deregisterHost(RequestContext request, String name) {
        requireAdmin(request);
        registry.deregister(name, this::requireUnused);
        drivers.forget(name);
        LOG.infof("Host %s deregistered by %s (request %s)", name, request.caller(), request.requestId());
    }

    private void requireAdmin(RequestContext request) {
        if (!admins.isAdmin(request)) {
            throw new VbsException(ErrorCode.UNAUTHORIZED_OPERATION,
                    "The host registrations are for administrators; " + request.caller() + " is not one.");
        }
    }

    /**
     * A driver whose plugin runs names the properties it takes: one it does not take is a typo, one it
     * needs must be there. (A driver whose plugin is not running yet cannot be checked; its problem
     * shows in DescribeHosts and in the log when it is made.)
     */
    private void requireDeclaredProperties(HostRegistration host) {
        host.drivers().forEach((kind, driver) -> drivers.properties(kind, driver.driverId()).ifPresent(declared -> {
            Set<String> names = declared.stream().map(DriverFactory.ConfigProperty::name)
                    .collect(Collectors.toCollection(TreeSet::new));
            for (String property : new TreeSet<>(driver.properties().keySet())) {
                if (!names.contains(property)) {
                    throw invalid(host, "the " + kind.prefix() + " driver '" + driver.driverId()
                            + "' takes no property " + UserText.quote(kind.prefix() + "." + property) + " (it takes " + names + ")");
                }
            }
            for (DriverFactory.ConfigProperty property : declared) {
                if (property.required() && !driver.properties().containsKey(property.name())) {
                    throw invalid(host, "the " + kind.prefix() + " driver '" + driver.driverId() + "' needs "
                            + kind.prefix() + "." + property.name() + " (" + property.description() + ")");
                }
            }
        }));
    }

    private static VbsException invalid(HostRegistration host, String problem) {
        return new VbsException(ErrorCode.INVALID_PARAMETER_VALUE, "Host '" + host.name()
                + "' cannot be registered: " + problem + ".");
    }

    /**
     * Volumes in any state (creating and deleting too) and snapshots hold storage there; attachments use it.
     * The volumes and snapshots are every node's (the replicated metadata).
     */
    private void requireUnused(String name) {
        long volumeCount = volumes.get().stream().filter(v -> v.host().equals(name)).count();
        long snapshotCount = snapshots.get().stream().filter(s -> s.host().equals(name)).count();
        long attachmentCount = volumes.get().stream()
                .filter(v -> v.attachment().map(a -> a.host().equals(name)).orElse(false)).count();
        if (volumeCount + snapshotCount + attachmentCount > 0) {
            throw new VbsException(ErrorCode.INCORRECT_STATE, "Host '" + name + "' is in use: " + volumeCount
                    + " volume(s) and " + snapshotCount + " snapshot(s) are kept on it and " + attachmentCount
                    + " volume(s) are attached through it; delete or detach them, then deregister it.");
        }
    }

    /** A host this node does not use shows why, and nothing of its drivers' state (none is made for it). */
    private Host describe(HostRegistry.Known known) {
        HostRegistration host = known.registration();
        Map<String, String> properties = new TreeMap<>();
        host.ssh().ifPresent(ssh -> {
            properties.put("ssh.user", ssh.user());
            properties.put("ssh.port", Integer.toString(ssh.port()));
            // Paths to the key files, not the keys: an operator needs to see which files are used.
            properties.put("ssh.privateKey", ssh.privateKey());
            properties.put("ssh.knownHosts", ssh.knownHosts());
        });
        Map<String, String> driverIds = new LinkedHashMap<>();
        Map<String, String> problems = new LinkedHashMap<>();
        host.drivers().forEach((kind, driver) -> {
            driverIds.put(kind.prefix(), driver.driverId());
            Set<String> shown = drivers.properties(kind, driver.driverId()).orElse(List.of()).stream()
                    .filter(p -> !p.secret()).map(DriverFactory.ConfigProperty::name).collect(Collectors.toSet());
            // A property no running plugin vouches for may be a secret: its value is not shown.
            driver.properties().forEach((property, value) -> properties.put(kind.prefix() + "." + property,
                    shown.contains(property) ? value : Host.HIDDEN));
            if (known.unusable().isEmpty()) {
                drivers.problem(host.name(), kind).ifPresent(problem -> problems.put(kind.prefix(), problem));
            }
        });
        known.unusable().ifPresent(problem -> problems.put(HostRegistry.REGISTRATION_PROBLEM, problem));
        return new Host(host.name(), transport(host), host.address(), driverIds, properties, problems);
    }

    private static String transport(HostRegistration host) {
        return host.transport().name().toLowerCase(Locale.ROOT);
    }

    private static List<String> driverIds(HostRegistration host) {
        return host.drivers().entrySet().stream().map(d -> d.getKey().prefix() + "=" + d.getValue().driverId())
                .toList();
    }

}
