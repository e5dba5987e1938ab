package org.vbs.core.service;

import jakarta.annotation.PostConstruct;
import jakarta.annotation.Resource;
import jakarta.ejb.EJB;
import jakarta.ejb.Local;
import jakarta.ejb.Stateless;
import jakarta.ejb.TransactionManagement;
import jakarta.ejb.TransactionManagementType;
import jakarta.transaction.TransactionManager;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.infinispan.Cache;
import org.vbs.core.api.HostAdministration;
import org.vbs.core.api.RequestContext;
import org.vbs.core.auth.AdminList;
import org.vbs.core.config.VbsHome;
import org.vbs.core.plugin.PluginHostBean;
import org.vbs.core.store.MetadataStore;
import org.vbs.core.store.MetadataTransactions;

/**
 * The host administration of this node, over the plugin host's registry and drivers and the metadata
 * (its volumes and snapshots, read only, to tell whether a host is still used). Bean-managed transactions:
 * the registry writes the cluster's registrations in short metadata transactions of its own.
 */
@Stateless
@Local(HostAdministration.class)
@TransactionManagement(TransactionManagementType.BEAN)
public class HostAdministrationBean implements HostAdministration {
    @Resource(lookup = "java:jboss/infinispan/cache/vbs/metadata")
    private Cache<Object, Object> metadataCache;
    @Resource(lookup = "java:jboss/TransactionManager")
    private TransactionManager transactionManager;
    @EJB
    private PluginHostBean plugins;

    private HostAdmin admin;

    @PostConstruct
    void start() {
        MetadataStore metadata = new MetadataStore(metadataCache, new MetadataTransactions(transactionManager));
        admin = new HostAdmin(plugins.registry(), plugins.hosts(),
                new AdminList(VbsHome.resolve().resolve(AdminList.FILE_NAME)), metadata::allVolumes,
                metadata::allSnapshots);
    }

    @Override
    public Host registerHost(RequestContext request, String name, Map<String, String> items) {
        return admin.registerHost(request, name, items);
    }

    @Override
    public List<Host> describeHosts(RequestContext request, Set<String> names) {
        return admin.describeHosts(request, names);
    }

    @Override
    public void deregisterHost(RequestContext request, String name) {
        admin.deregisterHost(request, name);
    }
}
