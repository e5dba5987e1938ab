package org.vbs.core.service;

import jakarta.annotation.PostConstruct;
import jakarta.annotation.Resource;
import jakarta.ejb.EJB;
import jakarta.ejb.Local;
import jakarta.ejb.Stateless;
import jakarta.ejb.TransactionManagement;
import jakarta.ejb.TransactionManagementType;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.infinispan.Cache;
import org.vbs.core.api.HostAdministration;
import org.vbs.core.api.RequestContext;
import org.vbs.core.auth.AdminList;
import org.vbs.core.config.VbsHome;
import org.vbs.core.domain.SnapshotRecord;
import org.vbs.core.domain.VolumeRecord;
import org.vbs.core.plugin.PluginHostBean;

/**
 * The host administration of this node, over the plugin host's registry and drivers and the volume
 * and snapshot caches (read only, to tell whether a host is still used). Bean-managed transactions:
 * the registry writes the cluster's registrations in short metadata transactions of its own.
 */
@Stateless
@Local(HostAdministration.class)
@TransactionManagement(TransactionManagementType.BEAN)
public class HostAdministrationBean implements HostAdministration {
    @Resource(lookup = "java:jboss/infinispan/cache/vbs/volumes")
    private Cache<String, VolumeRecord> volumeCache;
    @Resource(lookup = "java:jboss/infinispan/cache/vbs/snapshots")
    private Cache<String, SnapshotRecord> snapshotCache;
    @EJB
    private PluginHostBean plugins;

    private HostAdmin admin;

    @PostConstruct
    void start() {
        admin = new HostAdmin(plugins.registry(), plugins.hosts(),
                new AdminList(VbsHome.resolve().resolve(AdminList.FILE_NAME)),
                () -> List.copyOf(volumeCache.values()), () -> List.copyOf(snapshotCache.values()));
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
