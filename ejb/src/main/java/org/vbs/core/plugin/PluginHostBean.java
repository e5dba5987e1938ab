package org.vbs.core.plugin;

import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.ejb.ConcurrencyManagement;
import jakarta.ejb.ConcurrencyManagementType;
import jakarta.ejb.Singleton;
import jakarta.ejb.Startup;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import java.util.List;
import org.vbs.core.api.PluginStatus;
import org.vbs.plugins.spi.volume.VolumeDriver;

/**
 * Runs the {@link PluginHost} for the life of the deployment: started before the service core
 * (which depends on it), stopped at undeploy or shutdown. The host is thread-safe, so calls are not
 * serialized by the container.
 */
@Singleton
@Startup
@ConcurrencyManagement(ConcurrencyManagementType.BEAN)
@TransactionAttribute(TransactionAttributeType.NOT_SUPPORTED)
public class PluginHostBean {
    private PluginHost host;

    @PostConstruct
    void start() {
        host = PluginHost.start(PluginHostConfig.fromSystemProperties());
    }

    @PreDestroy
    void stop() {
        host.close();
    }

    /** @see PluginHost#driver() */
    public VolumeDriver driver() {
        return host.driver();
    }

    /** @see PluginHost#bundles() */
    public List<PluginStatus.Bundle> bundles() {
        return host.bundles();
    }
}
