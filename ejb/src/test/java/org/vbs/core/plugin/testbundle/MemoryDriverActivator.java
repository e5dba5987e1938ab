package org.vbs.core.plugin.testbundle;

import java.nio.file.Path;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.osgi.framework.BundleActivator;
import org.osgi.framework.BundleContext;
import org.vbs.plugins.spi.DriverConfig;
import org.vbs.plugins.spi.DriverException;
import org.vbs.plugins.spi.DriverFactory;
import org.vbs.plugins.spi.HostShell;
import org.vbs.plugins.spi.volume.Capability;
import org.vbs.plugins.spi.volume.ProgressListener;
import org.vbs.plugins.spi.volume.SnapshotRef;
import org.vbs.plugins.spi.volume.VolumeCapacity;
import org.vbs.plugins.spi.volume.VolumeDriver;
import org.vbs.plugins.spi.volume.VolumeInventory;
import org.vbs.plugins.spi.volume.VolumeSpec;

/**
 * Packed into a bundle jar by {@code PluginHostTest}: registers the factory of a do-nothing volume
 * driver with id "memory", which needs the property "size" and reports it as its capacity (until
 * it is closed: a closed driver refuses to answer).
 */
public class MemoryDriverActivator implements BundleActivator {

    @Override
    public void start(BundleContext context) {
        Hashtable<String, Object> properties = new Hashtable<>();
        properties.put(DriverFactory.ID_PROPERTY, "memory");
        properties.put(DriverFactory.KIND_PROPERTY, "VolumeDriver");
        context.registerService(DriverFactory.class.getName(), new MemoryFactory(), properties);
    }

    @Override
    public void stop(BundleContext context) {
        // The framework unregisters the service.
    }

    static final class MemoryFactory implements DriverFactory<VolumeDriver> {
        @Override
        public String id() {
            return "memory";
        }

        @Override
        public Class<VolumeDriver> kind() {
            return VolumeDriver.class;
        }

        @Override
        public List<ConfigProperty> configProperties() {
            return List.of(new ConfigProperty("size", "bytes it pretends to hold", true, false));
        }

        @Override
        public VolumeDriver create(DriverConfig config, HostShell shell) throws DriverException {
            return new MemoryDriver(Long.parseLong(config.require("size")));
        }
    }

    static final class MemoryDriver implements VolumeDriver, AutoCloseable {
        private final long size;
        private volatile boolean closed;

        MemoryDriver(long size) {
            this.size = size;
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

        @Override
        public VolumeInventory inventory() {
            return new VolumeInventory(Map.of(), Map.of());
        }

        @Override
        public VolumeCapacity capacity() throws DriverException {
            if (closed) {
                throw new DriverException(DriverException.Code.IO_ERROR, "closed");
            }
            return new VolumeCapacity(size, size, size);
        }

        @Override
        public void close() {
            closed = true;
        }

        @Override
        public Path backingPath(String volumeId) throws DriverException {
            throw new DriverException(DriverException.Code.NOT_FOUND, volumeId + " is nowhere");
        }
    }
}
