package org.vbs.core.plugin;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.Supplier;
import org.jboss.logging.Logger;
import org.vbs.core.api.ErrorCode;
import org.vbs.core.api.VbsException;
import org.vbs.core.domain.Causes;
import org.vbs.core.host.DriverKind;
import org.vbs.core.host.DriverRegistration;
import org.vbs.core.host.HostDriverStates;
import org.vbs.core.host.HostRegistration;
import org.vbs.core.host.Hosts;
import org.vbs.hosts.LocalHostShell;
import org.vbs.hosts.SshHostShell;
import org.vbs.hosts.SshTarget;
import org.vbs.plugins.spi.DriverConfig;
import org.vbs.plugins.spi.DriverException;
import org.vbs.plugins.spi.DriverFactory;
import org.vbs.plugins.spi.HostShell;
import org.vbs.plugins.spi.export.ExportDriver;
import org.vbs.plugins.spi.hypervisor.HypervisorDriver;
import org.vbs.plugins.spi.volume.VolumeDriver;

/**
 * Makes each registered host's drivers from the factories the plugins register: one driver per host
 * and kind, made on first use with the host's properties, its shell and the operator's template
 * overrides ({@code <templatesDir>/<driverId>.properties}), and made again when its factory was
 * registered anew (a bundle updated or restarted) or its host registered anew with other settings
 * (deregistered and registered again, maybe through another node of the cluster).
 */
public final class PluginDrivers implements Hosts, HostDriverStates, AutoCloseable {
    private static final Logger LOG = Logger.getLogger(PluginDrivers.class);

    private record Key(String host, DriverKind kind) {
    }

    /** A driver, with the factory and the registration it was made from. */
    private record Made(long factoryServiceId, HostRegistration host, Object driver) {
        boolean current(PluginHost.Factory factory, HostRegistration registered) {
            return factoryServiceId == factory.serviceId() && host.equals(registered);
        }
    }

    private final Supplier<List<HostRegistration>> registrations;
    private final Function<String, VbsException> unusable;
    private final PluginHost plugins;
    private final Path templatesDir;
    private final Map<Key, Made> made = new ConcurrentHashMap<>();
    /** One shell per host, shared by its drivers (over SSH: one session per host), with the registration it was made from. */
    private final Map<String, Shell> shells = new ConcurrentHashMap<>();

    private record Shell(HostRegistration host, HostShell shell) {
    }

    /**
     * @param registrations the hosts this node uses
     * @param unusable the fault for a host name that is not among them, saying why
     */
    public PluginDrivers(Supplier<List<HostRegistration>> registrations, Function<String, VbsException> unusable,
                         PluginHost plugins, Path templatesDir) {
        this.registrations = Objects.requireNonNull(registrations, "registrations");
        this.unusable = Objects.requireNonNull(unusable, "unusable");
        this.plugins = Objects.requireNonNull(plugins, "plugins");
        this.templatesDir = Objects.requireNonNull(templatesDir, "templatesDir");
    }

    @Override
    public List<HostRegistration> registrations() {
        return registrations.get();
    }

    @Override
    public VolumeDriver volumeDriver(String host) {
        return (VolumeDriver) driver(host, DriverKind.VOLUME);
    }

    @Override
    public ExportDriver exportDriver(String host) {
        return (ExportDriver) driver(host, DriverKind.EXPORT);
    }

    @Override
    public HypervisorDriver hypervisorDriver(String host) {
        return (HypervisorDriver) driver(host, DriverKind.HYPERVISOR);
    }

    private Object driver(String hostName, DriverKind kind) {
        HostRegistration host = registrations().stream().filter(h -> h.name().equals(hostName)).findFirst()
                .orElseThrow(() -> unusable.apply(hostName));
        DriverRegistration registration = host.driver(kind).orElseThrow(() -> unavailable("Host '" + hostName
                + "' has no " + kind.prefix() + " driver registered."));
        Key key = new Key(hostName, kind);
        Optional<PluginHost.Factory> available = plugins.factory(kind, registration.driverId());
        if (available.isEmpty()) {
            // Its bundle went away (removed, stopped or being updated): the driver made from it is
            // not handed out again, and is closed (its connections, processes and threads end).
            synchronized (this) {
                closeIfGone(hostName, kind, made.remove(key));
            }
            throw unavailable("No " + kind.prefix() + " driver '" + registration.driverId() + "' is available for host '"
                    + hostName + "': an operator must install and start its plugin (see the plugin status).");
        }
        PluginHost.Factory factory = available.get();
        Made current = made.get(key);
        if (current != null && current.current(factory, host)) {
            return current.driver();
        }
        synchronized (this) {
            current = made.get(key);
            if (current != null && current.current(factory, host)) {
                return current.driver();
            }
            Shell shell = shells.get(hostName);
            if ((current != null && !current.host().equals(host)) || (shell != null && !shell.host().equals(host))) {
                // Registered anew with other settings: nothing made from the old ones is used again.
                forget(hostName);
            }
            Object driver = create(host, kind, registration, factory);
            // A driver of the bundle's previous version (the jar was replaced) is closed once its successor exists.
            closeIfGone(hostName, kind, made.put(key, new Made(factory.serviceId(), host, driver)));
            return driver;
        }
    }

    /** Made (if it was not yet) from its plugin, as a workflow would make it. */
    @Override
    public Optional<String> problem(String host, DriverKind kind) {
        try {
            driver(host, kind);
            return Optional.empty();
        } catch (VbsException e) {
            return Optional.of(e.getMessage());
        }
    }

    @Override
    public Optional<List<DriverFactory.ConfigProperty>> properties(DriverKind kind, String driverId) {
        return plugins.factory(kind, driverId).map(f -> List.copyOf(f.factory().configProperties()));
    }

    @Override
    public void forget(String host) {
        synchronized (this) {
            for (DriverKind kind : DriverKind.values()) {
                closeIfGone(host, kind, made.remove(new Key(host, kind)));
            }
        }
        Shell shell = shells.remove(host);
        if (shell != null && shell.shell() instanceof AutoCloseable closeable) {
            closeQuietly(host, "shell", closeable);
        }
    }

    private Object create(HostRegistration host, DriverKind kind, DriverRegistration registration,
                          PluginHost.Factory factory) {
        try {
            DriverConfig config = new DriverConfig(host.name(), registration.properties(),
                    templateOverrides(registration.driverId()));
            Object driver = factory.factory().create(config, shells.computeIfAbsent(host.name(),
                    name -> new Shell(host, shell(host))).shell());
            LOG.infof("Host %s: %s driver '%s' ready", host.name(), kind.prefix(), registration.driverId());
            return driver;
        } catch (DriverException | IOException | RuntimeException e) {
            LOG.errorf(e, "Host %s: the %s driver '%s' cannot be made: %s", host.name(), kind.prefix(),
                    registration.driverId(), Causes.describe(e));
            throw unavailable("The " + kind.prefix() + " driver of host '" + host.name()
                    + "' is not working; an operator must check its configuration (see the service log).");
        }
    }

    private static HostShell shell(HostRegistration host) {
        return switch (host.transport()) {
            case LOCAL -> new LocalHostShell(host.name());
            case SSH -> {
                HostRegistration.SshSettings ssh = host.ssh().orElseThrow();
                try {
                    yield new SshHostShell(new SshTarget(host.name(), host.address(), ssh.port(), ssh.user(),
                            Path.of(ssh.privateKey()), Path.of(ssh.knownHosts()), SshTarget.DEFAULT_CONNECT_TIMEOUT));
                } catch (DriverException e) {
                    throw new IllegalStateException("host " + host.name() + ": " + e.getMessage(), e);
                }
            }
        };
    }

    /** Ends the hosts' SSH sessions. */
    @Override
    public void close() {
        shells.values().forEach(shell -> {
            if (shell.shell() instanceof AutoCloseable closeable) {
                closeQuietly(shell.host().name(), "shell", closeable);
            }
        });
        shells.clear();
    }

    /** Closing is the last thing done with it: a failure is logged, the host is gone either way. */
    private static void closeIfGone(String host, DriverKind kind, Made gone) {
        if (gone != null && gone.driver() instanceof AutoCloseable closeable) {
            closeQuietly(host, kind.prefix() + " driver", closeable);
        }
    }

    private static void closeQuietly(String host, String what, AutoCloseable closeable) {
        try {
            closeable.close();
        } catch (Exception e) {
            LOG.warnf(e, "Host %s: its %s did not close cleanly", host, what);
        }
    }

    private Map<String, String> templateOverrides(String driverId) throws IOException {
        Path file = templatesDir.resolve(driverId + ".properties");
        Properties properties = new Properties();
        try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            properties.load(in);
        } catch (NoSuchFileException e) {
            return Map.of();
        }
        Map<String, String> overrides = new HashMap<>();
        properties.stringPropertyNames().forEach(k -> overrides.put(k, properties.getProperty(k)));
        return overrides;
    }

    private static VbsException unavailable(String message) {
        return new VbsException(ErrorCode.SERVICE_UNAVAILABLE, message);
    }
}
