package org.vbs.core.plugin.testbundle;

import java.util.Hashtable;
import java.util.Set;
import org.osgi.framework.BundleActivator;
import org.osgi.framework.BundleContext;
import org.vbs.plugins.spi.volume.Capability;
import org.vbs.plugins.spi.volume.ProgressListener;
import org.vbs.plugins.spi.volume.SnapshotRef;
import org.vbs.plugins.spi.volume.VolumeDriver;
import org.vbs.plugins.spi.volume.VolumeSpec;

/**
 * Packed into a bundle jar by {@code PluginHostTest}: registers a do-nothing driver named "memory",
 * and refuses to start without the pool property the host must hand to bundles.
 */
public class MemoryDriverActivator implements BundleActivator {

    @Override
    public void start(BundleContext context) {
        if (context.getProperty("vbs.volume.file.pool") == null) {
            throw new IllegalStateException("no vbs.volume.file.pool framework property");
        }
        Hashtable<String, Object> properties = new Hashtable<>();
        properties.put(VolumeDriver.NAME_PROPERTY, "memory");
        context.registerService(VolumeDriver.class, new MemoryDriver(), properties);
    }

    @Override
    public void stop(BundleContext context) {
        // The framework unregisters the service.
    }

    static final class MemoryDriver implements VolumeDriver {
        @Override
        public String name() {
            return "memory";
        }

        @Override
        public Set<Capability> capabilities() {
            return Set.of();
        }

        @Override
        public void createVolume(VolumeSpec spec) {
        }

        @Override
        public void createVolumeFromSnapshot(VolumeSpec spec, SnapshotRef source, ProgressListener progress) {
        }

        @Override
        public void deleteVolume(String volumeId) {
        }

        @Override
        public void createSnapshot(SnapshotRef snapshot, ProgressListener progress) {
        }

        @Override
        public void deleteSnapshot(String snapshotId) {
        }

        @Override
        public boolean volumeExists(String volumeId) {
            return false;
        }

        @Override
        public boolean snapshotExists(String snapshotId) {
            return false;
        }
    }
}
