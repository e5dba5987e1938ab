package org.vbs.core.plugin;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.felix.framework.FrameworkFactory;
import org.jboss.logging.Logger;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
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

/**
 * An embedded Apache Felix that runs the plugin bundles. At start it installs every {@code *.jar}
 * of the plugin directory, then starts them; a jar that fails to install, resolve or start is
 * logged at ERROR with its file and the reason and kept in {@link #bundles()}, never ignored.
 *
 * <p>The system bundle exports the SPI packages from this class's own class loader, so the service
 * and the bundles share one class of each SPI type. Bundles register {@link DriverFactory} services;
 * {@link #factory} finds one by its kind and id.
 */
public final class PluginHost implements AutoCloseable {
    static final String NOT_INSTALLED = "NOT_INSTALLED";
    private static final long STOP_TIMEOUT_MILLIS = 30_000;

    private static final Logger LOG = Logger.getLogger(PluginHost.class);

    /** One jar of the plugin directory: the bundle it became, or why it did not. */
    private record PluginFile(Path file, Optional<Bundle> bundle, Optional<String> problem) {
        PluginFile failed(String why) {
            return new PluginFile(file, bundle, Optional.of(why));
        }
    }

    /**
     * A driver factory as the registry holds it now. The service id changes whenever the factory is
     * registered anew (its bundle updated or restarted), so a driver made from an older one is stale.
     */
    public record Factory(long serviceId, DriverFactory<?> factory) {
    }

    private final Framework framework;
    private final ServiceTracker<Object, Object> factories;
    private final List<PluginFile> plugins;

    private PluginHost(Framework framework, ServiceTracker<Object, Object> factories, List<PluginFile> plugins) {
        this.framework = framework;
        this.factories = factories;
        this.plugins = List.copyOf(plugins);
    }

    /**
     * Starts the framework and the plugin directory's bundles.
     *
     * @throws IllegalStateException when the framework itself cannot start (the deployment must fail)
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
        BundleContext context = framework.getBundleContext();
        ServiceTracker<Object, Object> factories = new ServiceTracker<>(context, DriverFactory.class.getName(), null);
        factories.open();
        List<PluginFile> plugins = startAll(context, config.pluginDir());
        return new PluginHost(framework, factories, plugins);
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

    /** Every jar of the plugin directory, with its bundle's current state and any problem. */
    public List<PluginStatus.Bundle> bundles() {
        return plugins.stream().map(PluginHost::describe).toList();
    }

    /** Stops every bundle and the framework. */
    @Override
    public void close() {
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
    private static List<PluginFile> startAll(BundleContext context, Path pluginDir) {
        List<PluginFile> installed = jars(pluginDir).stream().map(jar -> install(context, jar)).toList();
        List<PluginFile> started = installed.stream().map(PluginHost::start).toList();
        // Fragments are not started: resolving attaches them to their hosts.
        context.getBundle(Constants.SYSTEM_BUNDLE_LOCATION).adapt(FrameworkWiring.class).resolveBundles(null);
        List<PluginFile> checked = started.stream().map(PluginHost::check).toList();
        LOG.infof("Plugin directory %s: %d jar(s), %d with problems", pluginDir, checked.size(),
                checked.stream().filter(p -> p.problem().isPresent()).count());
        return checked;
    }

    private static List<Path> jars(Path pluginDir) {
        if (!Files.isDirectory(pluginDir)) {
            LOG.warnf("The plugin directory %s does not exist: no plugins are started", pluginDir);
            return List.of();
        }
        List<Path> jars = new ArrayList<>();
        try (DirectoryStream<Path> listing = Files.newDirectoryStream(pluginDir, "*.jar")) {
            listing.forEach(jars::add);
        } catch (IOException e) {
            throw new IllegalStateException("the plugin directory " + pluginDir + " cannot be listed", e);
        }
        jars.sort(null);
        return jars;
    }

    private static PluginFile install(BundleContext context, Path jar) {
        try (InputStream content = Files.newInputStream(jar)) {
            Bundle bundle = context.installBundle(jar.toUri().toString(), content);
            LOG.infof("Plugin %s installed as %s %s", jar.getFileName(), bundle.getSymbolicName(), bundle.getVersion());
            return new PluginFile(jar, Optional.of(bundle), Optional.empty());
        } catch (BundleException | IOException e) {
            String problem = "could not be installed: " + Causes.describe(e);
            LOG.errorf(e, "Plugin %s %s", jar, problem);
            return new PluginFile(jar, Optional.empty(), Optional.of(problem));
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
        String file = plugin.file().getFileName().toString();
        if (plugin.bundle().isEmpty()) {
            return new PluginStatus.Bundle(file, Optional.empty(), Optional.empty(), NOT_INSTALLED, plugin.problem());
        }
        Bundle bundle = plugin.bundle().get();
        // A problem found at boot stays; a bundle that stopped since then is reported too.
        Optional<String> problem = plugin.problem().or(() -> stateProblem(bundle));
        return new PluginStatus.Bundle(file, Optional.ofNullable(bundle.getSymbolicName()),
                Optional.of(bundle.getVersion().toString()), stateName(bundle.getState()), problem);
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
