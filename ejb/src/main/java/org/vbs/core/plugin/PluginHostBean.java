package org.vbs.core.plugin;

import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.ejb.ConcurrencyManagement;
import jakarta.ejb.ConcurrencyManagementType;
import jakarta.ejb.Singleton;
import jakarta.ejb.Startup;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import jakarta.transaction.TransactionManager;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.infinispan.Cache;
import org.jboss.logging.Logger;
import org.vbs.core.api.PluginStatus;
import org.vbs.core.config.VbsHome;
import org.vbs.core.host.HostRegistration;
import org.vbs.core.host.HostRegistry;
import org.vbs.core.host.HostsDirectory;
import org.vbs.core.host.RegisteredHost;
import org.vbs.core.host.SharedHosts;
import org.vbs.core.store.MetadataTransactions;
import org.vbs.core.store.SharedHostCache;

/**
 * Runs the {@link PluginHost} for the life of the deployment, and the registered hosts' drivers made
 * from its factories: started before the service (which depends on it), stopped at undeploy or
 * shutdown. While it runs, the host follows the plugin directory (signed jars added, replaced,
 * removed) on a thread of its own, so plugins change without a redeploy. Hosts are the cluster's
 * registrations (the replicated {@code hosts} cache, changed by RegisterHost / DeregisterHost through
 * any node) and this node's files in {@code $VBS_HOME/hosts}, read at start ({@link HostRegistry});
 * operators' command-template overrides from {@code $VBS_HOME/templates}. Thread-safe, so calls are not
 * serialized.
 */
@Singleton
@Startup
@ConcurrencyManagement(ConcurrencyManagementType.BEAN)
@TransactionAttribute(TransactionAttributeType.NOT_SUPPORTED)
public class PluginHostBean {
    private static final Logger LOG = Logger.getLogger(PluginHostBean.class);

    @Resource(lookup = "java:jboss/infinispan/cache/vbs/hosts")
    private Cache<String, RegisteredHost> hostCache;
    @Resource(lookup = "java:jboss/TransactionManager")
    private TransactionManager transactionManager;
    private PluginHost host;
    private SharedHostCache shared;
    private HostRegistry registry;
    private PluginDrivers hosts;

    @PostConstruct
    void start() {
        host = PluginHost.start(PluginHostConfig.fromSystemProperties());
        Path home = VbsHome.resolve();
        shared = new SharedHostCache(hostCache, new MetadataTransactions(transactionManager));
        registry = readHosts(home.resolve(HostsDirectory.DIRECTORY), shared);
        hosts = new PluginDrivers(registry::registrations, registry::unusable, host, home.resolve("templates"));
    }

    @PreDestroy
    void stop() {
        hosts.close();
        host.close();
        shared.close();
    }

    /** The registered hosts and their drivers. */
    public PluginDrivers hosts() {
        return hosts;
    }

    /** The registered hosts, as RegisterHost and DeregisterHost change them. */
    public HostRegistry registry() {
        return registry;
    }

    /** @see PluginHost#bundles() */
    public List<PluginStatus.Bundle> bundles() {
        return host.bundles();
    }

    /** This node's files only: the cluster's registrations are read when used (a minority side cannot read them). */
    private static HostRegistry readHosts(Path dir, SharedHosts shared) {
        try {
            HostRegistry registry = HostRegistry.open(dir, shared);
            List<HostRegistration> registrations = registry.files();
            if (registrations.isEmpty()) {
                LOG.warnf("No host file in %s: this node uses only the hosts registered through RegisterHost", dir);
            }
            // Driver ids only: a driver's properties may hold a secret.
            registrations.forEach(h -> LOG.infof("Host %s (%s, %s): drivers %s", h.name(),
                    h.transport().name().toLowerCase(Locale.ROOT), h.address(), h.drivers().entrySet().stream()
                            .map(d -> d.getKey().prefix() + "=" + d.getValue().driverId()).toList()));
            return registry;
        } catch (IOException | IllegalArgumentException e) {
            throw new IllegalStateException("the host registrations in " + dir + " cannot be read: " + e.getMessage(),
                    e);
        }
    }
}
