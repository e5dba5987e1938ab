package org.vbs.core.testing;

import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import javax.crypto.KeyGenerator;
import javax.crypto.SecretKey;
import org.vbs.core.api.ErrorCode;
import org.vbs.core.api.RequestContext;
import org.vbs.core.api.VbsException;
import org.vbs.core.api.VolumeService;
import org.vbs.core.auth.AdminList;
import org.vbs.core.domain.IdGenerator;
import org.vbs.core.host.DriverKind;
import org.vbs.core.host.DriverRegistration;
import org.vbs.core.host.HostRegistration;
import org.vbs.core.host.Hosts;
import org.vbs.core.service.CoreContext;
import org.vbs.core.service.ServiceAssembly;
import org.vbs.core.service.Timeouts;
import org.vbs.plugins.spi.export.ExportDriver;
import org.vbs.plugins.spi.hypervisor.HypervisorDriver;
import org.vbs.plugins.spi.volume.VolumeDriver;
import org.vbs.security.GridIdentity;
import org.vbs.security.chap.SecretSealer;

/**
 * The service facade wired to real embedded Infinispan caches, one volume server "local" with a
 * {@link TempDirVolumeDriver} and an in-test export driver, one hypervisor host "kvm1" with an in-test
 * hypervisor driver ({@link InTestHostDrivers}), and a {@link QueuedExecutor}: everything a workflow test needs, and the
 * "nothing changed" snapshot.
 */
public final class ServiceFixture implements AutoCloseable {
    public static final RequestContext JANE = new RequestContext("req-jane",
            new GridIdentity("CN=Jane Doe,OU=vbs,O=Grid"));
    public static final RequestContext BOB = new RequestContext("req-bob", new GridIdentity("CN=Bob,OU=vbs,O=Grid"));
    public static final String HOST = "local";
    public static final String NODE = "test-node";
    public static final Clock CLOCK = Clock.fixed(Instant.parse("2025-06-01T12:00:00Z"), ZoneOffset.UTC);

    /** Everything the service keeps: the metadata cache's entries and the driver's files. */
    public record Contents(Map<Object, Object> metadata, List<Path> files) {
    }

    public final EmbeddedMetadata metadata = new EmbeddedMetadata();
    public static final String HYPERVISOR_HOST = "kvm1";

    public final TempDirVolumeDriver driver;
    public final InTestHostDrivers hostDrivers = new InTestHostDrivers();
    public final QueuedExecutor executor = new QueuedExecutor();
    public final ExecutorService driverCalls = Executors.newCachedThreadPool();
    public final ServiceAssembly assembly;
    public final CoreContext core;
    public final VolumeService service;
    /** The administrator list the service reads (none until a test writes it). */
    public final Path adminsFile;
    private volatile boolean driverInstalled = true;

    public ServiceFixture(Path root) {
        this(root, IdGenerator.secureRandom());
    }

    public ServiceFixture(Path root, IdGenerator ids) {
        this(root, ids, Timeouts.DEFAULT);
    }

    /** With short driver-call timeouts, for tests of a hanging driver. */
    public ServiceFixture(Path root, Timeouts timeouts) {
        this(root, IdGenerator.secureRandom(), timeouts);
    }

    /** On a clock of the test's, for tests of leases. */
    public ServiceFixture(Path root, Clock clock) {
        this(root, IdGenerator.secureRandom(), Timeouts.DEFAULT, clock);
    }

    private ServiceFixture(Path root, IdGenerator ids, Timeouts timeouts) {
        this(root, ids, timeouts, CLOCK);
    }

    private ServiceFixture(Path root, IdGenerator ids, Timeouts timeouts, Clock clock) {
        driver = new TempDirVolumeDriver(root);
        assembly = ServiceAssembly.of(metadata.store(), metadata.transactions(), new TestHosts(),
                executor, driverCalls, clock, ids, NODE, new SecretSealer(sealingKey()), timeouts,
                new AdminList(root.resolve(AdminList.FILE_NAME)));
        adminsFile = root.resolve(AdminList.FILE_NAME);
        core = assembly.core();
        service = assembly.service();
    }

    private static SecretKey sealingKey() {
        try {
            KeyGenerator generator = KeyGenerator.getInstance("AES");
            generator.init(256);
            return generator.generateKey();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Makes the hosts answer as the plugin host does when no driver bundle is active. */
    public void uninstallDriver() {
        driverInstalled = false;
    }

    public void reinstallDriver() {
        driverInstalled = true;
    }

    public Contents contents() {
        return new Contents(new HashMap<>(metadata.cache()), driver.files());
    }

    @Override
    public void close() {
        driverCalls.shutdownNow();
        metadata.close();
    }

    /** One volume server, "local", whose volume driver is the temp-dir driver. */
    private final class TestHosts implements Hosts {
        @Override
        public List<HostRegistration> registrations() {
            return List.of(new HostRegistration(HOST, HostRegistration.Transport.LOCAL, "127.0.0.1", Optional.empty(),
                    Map.of(DriverKind.VOLUME, new DriverRegistration("tempdir", Map.of()),
                            DriverKind.EXPORT, new DriverRegistration("in-test", Map.of()))),
                    new HostRegistration(HYPERVISOR_HOST, HostRegistration.Transport.LOCAL, "10.0.0.7", Optional.empty(),
                            Map.of(DriverKind.HYPERVISOR, new DriverRegistration("in-test", Map.of()))));
        }

        @Override
        public VolumeDriver volumeDriver(String host) {
            if (!driverInstalled || !HOST.equals(host)) {
                throw new VbsException(ErrorCode.SERVICE_UNAVAILABLE, "No volume driver 'tempdir' is available for"
                        + " host '" + host + "'");
            }
            return driver;
        }

        @Override
        public ExportDriver exportDriver(String host) {
            if (!HOST.equals(host)) {
                throw new VbsException(ErrorCode.SERVICE_UNAVAILABLE, "no export driver on " + host);
            }
            return hostDrivers.export;
        }

        @Override
        public HypervisorDriver hypervisorDriver(String host) {
            if (!driverInstalled || !HYPERVISOR_HOST.equals(host)) {
                throw new VbsException(ErrorCode.SERVICE_UNAVAILABLE, "no hypervisor driver on " + host);
            }
            return hostDrivers.hypervisor;
        }
    }
}
