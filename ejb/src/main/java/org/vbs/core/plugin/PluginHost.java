package org.vbs.core.plugin;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.felix.framework.FrameworkFactory;
import org.jboss.logging.Logger;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleException;
import org.osgi.framework.Constants;
import org.osgi.framework.FrameworkEvent;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.launch.Framework;
import org.osgi.framework.wiring.FrameworkWiring;
import org.osgi.util.tracker.ServiceTracker;
import org.vbs.core.api.PluginStatus;
import org.vbs.core.domain.Causes;
import org.vbs.core.host.DriverKind;
import org.vbs.plugins.spi.DriverFactory;
import org.vbs.plugins.spi.SpiPackages;
import org.vbs.security.SecurityConfigException;
import org.vbs.security.plugin.JarRefusedException;
import org.vbs.security.plugin.PluginTrust;
import org.vbs.security.plugin.SignedJarVerifier;

/**
 * An embedded Apache Felix that runs the plugin bundles, following the plugin directory while the
 * service runs: a jar added there is installed and started, a jar replaced updates its bundle from
 * the new content, a jar deleted uninstalls its bundle (and its driver factories go away).
 *
 * <p>Only signed jars are installed: each is copied aside first and the copy verified with
 * {@link SignedJarVerifier} against the plugin trust store (read anew for every jar, so a
 * certificate an operator adds counts at once), then installed from that same copy, so what was
 * verified is what runs. A jar refused, or that fails to install, resolve or start, is logged at
 * ERROR with its file and the reason and kept in {@link #bundles()}, never ignored; a replacement
 * that is refused leaves the running version in place, with the refusal as its problem.
 *
 * <p>The system bundle exports the SPI packages from this class's own class loader, so the service
 * and the bundles share one class of each SPI type. Bundles register {@link DriverFactory} services;
 * {@link #factory} finds one by its kind and id. Thread-safe: the directory is followed on one
 * thread of its own; {@link #factory} never waits for it.
 */
public final class PluginHost implements AutoCloseable {
    static final String NOT_INSTALLED = "NOT_INSTALLED";
    static final String REFUSED = "REFUSED";
    private static final long STOP_TIMEOUT_MILLIS = 30_000;
    private static final long REFRESH_TIMEOUT_MILLIS = 30_000;

    private static final Logger LOG = Logger.getLogger(PluginHost.class);

    /** One jar of the plugin directory: the bundle it became, or why it did not. */
    private record PluginFile(Path file, Optional<Bundle> bundle, Optional<String> problem, boolean refused) {
        static PluginFile of(Path file, Bundle bundle) {
            return new PluginFile(file, Optional.of(bundle), Optional.empty(), false);
        }

        PluginFile failed(String why) {
            return new PluginFile(file, bundle, Optional.of(why), refused);
        }
    }

    /**
     * A driver factory as the registry holds it now. The service id changes whenever the factory is
     * registered anew (its bundle updated or restarted), so a driver made from an older one is stale.
     */
    public record Factory(long serviceId, DriverFactory<?> factory) {
    }

    private final Framework framework;
    private final PluginHostConfig config;
    private final Path stagingDir;
    private final ServiceTracker<Object, Object> factories;
    private final PluginDirectoryWatcher watcher;
    /** By file name; guarded by this. */
    private final Map<String, PluginFile> plugins = new TreeMap<>();
    private ScheduledExecutorService polling;

    private PluginHost(Framework framework, PluginHostConfig config) {
        this.framework = framework;
        this.config = config;
        this.stagingDir = config.storageDir().resolveSibling(config.storageDir().getFileName() + "-staging");
        this.factories = new ServiceTracker<>(framework.getBundleContext(), DriverFactory.class.getName(), null);
        this.watcher = new PluginDirectoryWatcher(config.pluginDir());
    }

    /**
     * Starts the framework and the plugin directory's bundles, then follows the directory.
     *
     * @throws IllegalStateException when the framework itself cannot start or the plugin directory
     *     cannot be listed (the deployment must fail)
     */
    public static PluginHost start(PluginHostConfig config) {
        Framework framework = new FrameworkFactory().newFramework(frameworkProperties(config));
        try {
            framework.init();
            framework.start();
        } catch (BundleException e) {
            throw new IllegalStateException("the OSGi framework did not start (storage " + config.storageDir() + ")",
                    e);
        }
        PluginHost host = new PluginHost(framework, config);
        host.factories.open();
        try {
            host.startAll();
        } catch (RuntimeException e) {
            host.close();
            throw e;
        }
        host.follow();
        return host;
    }

    /** The factory registered now for this kind of driver and id, if a started bundle provides one. */
    public Optional<Factory> factory(DriverKind kind, String driverId) {
        ServiceReference<Object>[] references = factories.getServiceReferences();
        if (references == null) {
            return Optional.empty();
        }
        for (ServiceReference<Object> reference : references) {
            if (driverId.equals(reference.getProperty(DriverFactory.ID_PROPERTY))
                    && kind.serviceKind().equals(reference.getProperty(DriverFactory.KIND_PROPERTY))
                    && factories.getService(reference) instanceof DriverFactory<?> factory
                    && kind.contract().equals(factory.kind())) {
                return Optional.of(new Factory((Long) reference.getProperty(Constants.SERVICE_ID), factory));
            }
        }
        return Optional.empty();
    }

    /**
     * Every jar of the plugin directory now, with its bundle's current state, drivers and any
     * problem; a driver that two bundles provide is a problem of both (hosts get either one).
     */
    public synchronized List<PluginStatus.Bundle> bundles() {
        List<PluginStatus.Bundle> described = plugins.values().stream().map(PluginHost::describe).toList();
        Map<PluginStatus.Driver, List<String>> providers = new HashMap<>();
        described.forEach(b -> b.drivers().forEach(d -> providers.computeIfAbsent(d, k -> new ArrayList<>())
                .add(b.file())));
        return described.stream().map(b -> withDuplicateDrivers(b, providers)).toList();
    }

    private static PluginStatus.Bundle withDuplicateDrivers(PluginStatus.Bundle bundle,
            Map<PluginStatus.Driver, List<String>> providers) {
        List<String> duplicates = bundle.drivers().stream().filter(d -> providers.get(d).size() > 1)
                .map(d -> "driver " + d.kind() + "/" + d.id() + " is also provided by " + providers.get(d).stream()
                        .filter(f -> !f.equals(bundle.file())).toList() + " (hosts get either one; remove one)")
                .toList();
        if (duplicates.isEmpty()) {
            return bundle;
        }
        List<String> problems = new ArrayList<>();
        bundle.problem().ifPresent(problems::add);
        problems.addAll(duplicates);
        return new PluginStatus.Bundle(bundle.file(), bundle.symbolicName(), bundle.version(), bundle.state(),
                Optional.of(String.join("; ", problems)), bundle.drivers());
    }

    /** Stops following the directory, then every bundle and the framework. */
    @Override
    public void close() {
        if (polling != null) {
            polling.shutdownNow();
            try {
                if (!polling.awaitTermination(STOP_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS)) {
                    LOG.errorf("The plugin directory watcher did not stop within %d ms", STOP_TIMEOUT_MILLIS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                LOG.errorf(e, "Interrupted while waiting for the plugin directory watcher to stop");
            }
        }
        factories.close();
        try {
            framework.stop();
            FrameworkEvent event = framework.waitForStop(STOP_TIMEOUT_MILLIS);
            if (event.getType() == FrameworkEvent.WAIT_TIMEDOUT) {
                LOG.errorf("The OSGi framework did not stop within %d ms", STOP_TIMEOUT_MILLIS);
            } else {
                LOG.info("The OSGi framework stopped");
            }
        } catch (BundleException e) {
            LOG.errorf(e, "The OSGi framework could not be stopped");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            LOG.errorf(e, "Interrupted while waiting for the OSGi framework to stop");
        }
    }

    // --- the directory, as the watcher reports it ------------------------------------------------

    /** What the watcher reports, done under this host's lock. */
    private final PluginDirectoryWatcher.Listener directoryEvents = new PluginDirectoryWatcher.Listener() {
        @Override
        public void added(Path jar) {
            PluginHost.this.added(jar);
        }

        @Override
        public void changed(Path jar) {
            PluginHost.this.changed(jar);
        }

        @Override
        public void removed(Path jar) {
            PluginHost.this.removed(jar);
        }
    };

    private synchronized void added(Path jar) {
        PluginFile plugin = start(install(jar));
        // A fragment is not started: resolving attaches it to its host.
        plugin.bundle().ifPresent(b -> framework.adapt(FrameworkWiring.class).resolveBundles(List.of(b)));
        plugins.put(name(jar), check(plugin));
    }

    private synchronized void changed(Path jar) {
        PluginFile current = plugins.get(name(jar));
        if (current == null || current.bundle().isEmpty()) {
            LOG.infof("Plugin %s changed; it was not installed, so it is tried again", jar);
            added(jar);
            return;
        }
        Bundle bundle = current.bundle().get();
        Path staged;
        try {
            staged = stageVerified(jar);
        } catch (JarRefusedException e) {
            String problem = "its replacement was refused, not installed: " + e.reason() + "; version "
                    + bundle.getVersion() + " runs on";
            LOG.errorf("Plugin %s: %s", jar, problem);
            plugins.put(name(jar), new PluginFile(jar, Optional.of(bundle), Optional.of(problem), false));
            return;
        }
        PluginFile updated;
        try (InputStream content = Files.newInputStream(staged)) {
            String before = bundle.getVersion().toString();
            bundle.update(content);
            refresh(bundle);
            LOG.infof("Plugin %s updated: %s %s -> %s", jar.getFileName(), bundle.getSymbolicName(), before,
                    bundle.getVersion());
            updated = PluginFile.of(jar, bundle);
            // update() restarts a bundle that was active; one that was not is started now.
            if (bundle.getState() != Bundle.ACTIVE) {
                updated = start(updated);
            }
        } catch (BundleException | IOException | IllegalStateException e) {
            String problem = "could not be updated: " + Causes.describe(e);
            LOG.errorf(e, "Plugin %s %s", jar, problem);
            updated = PluginFile.of(jar, bundle).failed(problem);
        } finally {
            deleteStaged(staged);
        }
        plugins.put(name(jar), check(updated));
    }

    private synchronized void removed(Path jar) {
        PluginFile gone = plugins.remove(name(jar));
        if (gone == null || gone.bundle().isEmpty()) {
            LOG.infof("Plugin %s removed (it was not installed)", jar);
            return;
        }
        Bundle bundle = gone.bundle().get();
        try {
            bundle.uninstall();
            refresh(bundle);
            LOG.infof("Plugin %s removed: %s %s uninstalled", jar, bundle.getSymbolicName(), bundle.getVersion());
        } catch (BundleException | IllegalStateException e) {
            // It is no longer in the directory, so it is no longer reported; the log keeps the failure.
            LOG.errorf(e, "Plugin %s removed, but its bundle %s could not be uninstalled: %s", jar,
                    bundle.getSymbolicName(), Causes.describe(e));
        }
    }

    // --- start ---------------------------------------------------------------------------------

    private static Map<String, Object> frameworkProperties(PluginHostConfig config) {
        Map<String, Object> properties = new HashMap<>();
        properties.put(Constants.FRAMEWORK_STORAGE, config.storageDir().toString());
        properties.put(Constants.FRAMEWORK_STORAGE_CLEAN, Constants.FRAMEWORK_STORAGE_CLEAN_ONFIRSTINIT);
        // Otherwise Felix installs JVM-wide URL handlers, which belong to the server, not to us.
        properties.put("felix.service.urlhandlers", "false");
        properties.put(Constants.FRAMEWORK_SYSTEMPACKAGES_EXTRA, SpiPackages.SYSTEM_PACKAGES_EXTRA);
        properties.put("felix.log.logger", new FelixLog());
        properties.put("felix.log.level", String.valueOf(FelixLog.LOG_WARNING));
        return properties;
    }

    /** Installs every jar first (so bundles can wire to each other), then starts them, then checks them. */
    private synchronized void startAll() {
        List<Path> jars;
        try {
            jars = watcher.takeAll();
        } catch (IOException e) {
            throw new IllegalStateException("the plugin directory " + config.pluginDir() + " cannot be listed", e);
        }
        if (!Files.isDirectory(config.pluginDir())) {
            LOG.warnf("The plugin directory %s does not exist: no plugins are started until it does", config.pluginDir());
        }
        List<PluginFile> installed = jars.stream().map(this::install).toList();
        List<PluginFile> started = installed.stream().map(PluginHost::start).toList();
        // Fragments are not started: resolving attaches them to their hosts.
        framework.adapt(FrameworkWiring.class).resolveBundles(null);
        started.stream().map(PluginHost::check).forEach(p -> plugins.put(name(p.file()), p));
        LOG.infof("Plugin directory %s: %d jar(s), %d with problems; watched every %d ms", config.pluginDir(),
                plugins.size(), plugins.values().stream().filter(p -> p.problem().isPresent()).count(),
                config.pollInterval().toMillis());
    }

    private void follow() {
        polling = Executors.newSingleThreadScheduledExecutor(task -> {
            Thread thread = new Thread(task, "vbs-plugin-directory");
            thread.setDaemon(true);
            return thread;
        });
        long millis = config.pollInterval().toMillis();
        polling.scheduleWithFixedDelay(this::scan, millis, millis, TimeUnit.MILLISECONDS);
    }

    /** One look at the directory; a failure is logged and the next look tries again (a throw would end the polling). */
    private void scan() {
        try {
            watcher.scan(directoryEvents);
        } catch (IOException | RuntimeException e) {
            LOG.errorf(e, "The plugin directory %s could not be looked at: %s", config.pluginDir(), Causes.describe(e));
        }
    }

    // --- one jar ---------------------------------------------------------------------------------

    private PluginFile install(Path jar) {
        Path staged;
        try {
            staged = stageVerified(jar);
        } catch (JarRefusedException e) {
            String problem = "refused, not installed: " + e.reason();
            LOG.errorf("Plugin %s %s", jar, problem);
            return new PluginFile(jar, Optional.empty(), Optional.of(problem), true);
        }
        try (InputStream content = Files.newInputStream(staged)) {
            Bundle bundle = framework.getBundleContext().installBundle(jar.toUri().toString(), content);
            LOG.infof("Plugin %s installed as %s %s", jar.getFileName(), bundle.getSymbolicName(), bundle.getVersion());
            return PluginFile.of(jar, bundle);
        } catch (BundleException | IOException e) {
            String problem = "could not be installed: " + Causes.describe(e);
            LOG.errorf(e, "Plugin %s %s", jar, problem);
            return new PluginFile(jar, Optional.empty(), Optional.of(problem), false);
        } finally {
            deleteStaged(staged);
        }
    }

    /**
     * A private copy of the jar, verified: the copy is what gets installed, so a jar changed after
     * the check cannot slip in unverified.
     */
    private Path stageVerified(Path jar) throws JarRefusedException {
        Path staged;
        try {
            Files.createDirectories(stagingDir);
            staged = Files.createTempFile(stagingDir, "plugin-", ".jar");
        } catch (IOException e) {
            throw new JarRefusedException(jar, "cannot be copied for verification into " + stagingDir + ": "
                    + Causes.describe(e), e);
        }
        try {
            Files.copy(jar, staged, StandardCopyOption.REPLACE_EXISTING);
            PluginTrust trust = PluginTrust.read(config.trustDir());
            SignedJarVerifier.verify(staged, trust);
            return staged;
        } catch (IOException e) {
            deleteStaged(staged);
            throw new JarRefusedException(jar, "cannot be read: " + Causes.describe(e), e);
        } catch (SecurityConfigException e) {
            deleteStaged(staged);
            throw new JarRefusedException(jar, "the plugin trust store cannot be read: " + e.getMessage(), e);
        } catch (JarRefusedException e) {
            deleteStaged(staged);
            // The reason names the staged copy's contents, not its path: report it for the operator's file.
            throw new JarRefusedException(jar, e.reason(), e);
        }
    }

    private static void deleteStaged(Path staged) {
        try {
            Files.deleteIfExists(staged);
        } catch (IOException e) {
            LOG.errorf(e, "The verified copy %s could not be deleted: %s", staged, Causes.describe(e));
        }
    }

    /** Drops the old revisions of an updated or uninstalled bundle and rewires, waiting for the framework. */
    private void refresh(Bundle bundle) {
        CountDownLatch done = new CountDownLatch(1);
        framework.adapt(FrameworkWiring.class).refreshBundles(List.of(bundle), event -> done.countDown());
        try {
            if (!done.await(REFRESH_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS)) {
                LOG.errorf("The OSGi framework did not refresh %s within %d ms", bundle.getSymbolicName(),
                        REFRESH_TIMEOUT_MILLIS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            LOG.errorf(e, "Interrupted while the OSGi framework refreshed %s", bundle.getSymbolicName());
        }
    }

    private static PluginFile start(PluginFile plugin) {
        if (plugin.bundle().isEmpty() || isFragment(plugin.bundle().get())) {
            return plugin;
        }
        Bundle bundle = plugin.bundle().get();
        try {
            bundle.start();
            LOG.infof("Plugin %s (%s) started", plugin.file().getFileName(), bundle.getSymbolicName());
            return plugin;
        } catch (BundleException e) {
            String problem = "could not be started: " + Causes.describe(e);
            LOG.errorf(e, "Plugin %s (%s) %s", plugin.file(), bundle.getSymbolicName(), problem);
            return plugin.failed(problem);
        }
    }

    /** A bundle that did not fail loudly may still not be doing its job (e.g. a fragment whose host is missing). */
    private static PluginFile check(PluginFile plugin) {
        if (plugin.bundle().isEmpty() || plugin.problem().isPresent()) {
            return plugin;
        }
        Optional<String> problem = stateProblem(plugin.bundle().get());
        problem.ifPresent(p -> LOG.errorf("Plugin %s (%s) %s", plugin.file(), plugin.bundle().get().getSymbolicName(),
                p));
        return problem.map(plugin::failed).orElse(plugin);
    }

    private static Optional<String> stateProblem(Bundle bundle) {
        int expected = isFragment(bundle) ? Bundle.RESOLVED : Bundle.ACTIVE;
        return bundle.getState() == expected
                ? Optional.empty()
                : Optional.of("is " + stateName(bundle.getState()) + ", not " + stateName(expected));
    }

    private static PluginStatus.Bundle describe(PluginFile plugin) {
        String file = name(plugin.file());
        if (plugin.bundle().isEmpty()) {
            return new PluginStatus.Bundle(file, Optional.empty(), Optional.empty(),
                    plugin.refused() ? REFUSED : NOT_INSTALLED, plugin.problem(), List.of());
        }
        Bundle bundle = plugin.bundle().get();
        // A problem found when it was installed stays; a bundle that stopped since then is reported too.
        Optional<String> problem = plugin.problem().or(() -> stateProblem(bundle));
        return new PluginStatus.Bundle(file, Optional.ofNullable(bundle.getSymbolicName()),
                Optional.of(bundle.getVersion().toString()), stateName(bundle.getState()), problem, drivers(bundle));
    }

    /** The driver factories the bundle has registered now. */
    private static List<PluginStatus.Driver> drivers(Bundle bundle) {
        ServiceReference<?>[] registered;
        try {
            registered = bundle.getRegisteredServices();
        } catch (IllegalStateException e) {
            // Uninstalled under us (the framework was stopped): it provides nothing.
            return List.of();
        }
        if (registered == null) {
            return List.of();
        }
        List<PluginStatus.Driver> drivers = new ArrayList<>();
        for (ServiceReference<?> reference : registered) {
            if (Arrays.asList((String[]) reference.getProperty(Constants.OBJECTCLASS))
                    .contains(DriverFactory.class.getName())) {
                drivers.add(new PluginStatus.Driver(kindName(reference.getProperty(DriverFactory.KIND_PROPERTY)),
                        String.valueOf(reference.getProperty(DriverFactory.ID_PROPERTY))));
            }
        }
        drivers.sort(Comparator.comparing(PluginStatus.Driver::kind).thenComparing(PluginStatus.Driver::id));
        return drivers;
    }

    /** "volume", "export", "hypervisor" as a host file names them; a kind the core does not know as registered. */
    private static String kindName(Object serviceKind) {
        return Arrays.stream(DriverKind.values()).filter(k -> k.serviceKind().equals(serviceKind))
                .map(DriverKind::prefix).findFirst().orElse(String.valueOf(serviceKind));
    }

    private static String name(Path jar) {
        return jar.getFileName().toString();
    }

    private static boolean isFragment(Bundle bundle) {
        return bundle.getHeaders().get(Constants.FRAGMENT_HOST) != null;
    }

    static String stateName(int state) {
        return switch (state) {
            case Bundle.UNINSTALLED -> "UNINSTALLED";
            case Bundle.INSTALLED -> "INSTALLED";
            case Bundle.RESOLVED -> "RESOLVED";
            case Bundle.STARTING -> "STARTING";
            case Bundle.STOPPING -> "STOPPING";
            case Bundle.ACTIVE -> "ACTIVE";
            default -> "UNKNOWN(" + state + ")";
        };
    }
}
