package org.vbs.core.testing;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.vbs.core.api.ErrorCode;
import org.vbs.core.api.VbsException;
import org.vbs.core.domain.IdGenerator;
import org.vbs.core.service.CoreContext;
import org.vbs.core.service.VolumeDriverSource;
import org.vbs.core.service.VolumeServiceCore;
import org.vbs.security.GridIdentity;

/**
 * The service core wired to real embedded Infinispan caches, a {@link TempDirVolumeDriver} and a
 * {@link QueuedExecutor}: everything a workflow test needs, and the "nothing changed" snapshot.
 */
public final class ServiceFixture implements AutoCloseable {
    public static final GridIdentity JANE = new GridIdentity("CN=Jane Doe,OU=vbs,O=Grid");
    public static final GridIdentity BOB = new GridIdentity("CN=Bob,OU=vbs,O=Grid");

    /** Everything the service keeps: the four caches and the driver's files. */
    public record Contents(Map<Object, Object> volumes, Map<Object, Object> snapshots, Map<Object, Object> owners,
                           Map<Object, Object> tokens, List<Path> files) {
    }

    public final EmbeddedMetadata metadata = new EmbeddedMetadata();
    public final TempDirVolumeDriver driver;
    public final QueuedExecutor executor = new QueuedExecutor();
    public final CoreContext core;
    public final VolumeServiceCore service;
    private volatile boolean driverInstalled = true;

    public ServiceFixture(Path root) {
        this(root, IdGenerator.secureRandom());
    }

    public ServiceFixture(Path root, IdGenerator ids) {
        driver = new TempDirVolumeDriver(root);
        VolumeDriverSource drivers = () -> {
            if (!driverInstalled) {
                throw new VbsException(ErrorCode.SERVICE_UNAVAILABLE, "No volume driver named 'tempdir' is available");
            }
            return driver;
        };
        core = new CoreContext(metadata.store(), metadata.transactions(), drivers, executor,
                Clock.fixed(Instant.parse("2025-06-01T12:00:00Z"), ZoneOffset.UTC), ids);
        service = new VolumeServiceCore(core);
    }

    /** Makes the driver source answer as the plugin host does when no driver bundle is active. */
    public void uninstallDriver() {
        driverInstalled = false;
    }

    public void reinstallDriver() {
        driverInstalled = true;
    }

    public Contents contents() {
        return new Contents(new HashMap<>(metadata.volumes()), new HashMap<>(metadata.snapshots()),
                new HashMap<>(metadata.owners()), new HashMap<>(metadata.tokens()), driver.files());
    }

    @Override
    public void close() {
        metadata.close();
    }
}
