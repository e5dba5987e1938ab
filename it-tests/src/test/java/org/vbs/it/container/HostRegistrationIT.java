package org.vbs.it.container;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.EnterpriseArchive;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.function.Executable;
import org.vbs.it.client.HostSetItemType;
import org.vbs.it.client.VbsFault;
import org.vbs.it.support.Await;
import org.vbs.it.support.Caller;
import org.vbs.it.support.Callers;
import org.vbs.it.support.Faults;
import org.vbs.it.support.ItConfig;
import org.vbs.it.support.Pool;
import org.vbs.it.support.VbsEar;
import org.vbs.it.support.VbsHomes;

/**
 * RegisterHost, DescribeHosts and DeregisterHost over signed SOAP: only operators; a registration is
 * the cluster's (kept in the replicated metadata), never a file in the node's hosts directory; a
 * registered volume server is used at once (a volume is placed on it) and cannot be deregistered
 * while it keeps that volume.
 *
 * <p>The second volume server's pool is on /dev/shm (tmpfs, whose largest file is 8 EiB), the first
 * one's on ext4 (16 TiB - 4 KiB): a 16 TiB volume can only be placed on the second.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
public class HostRegistrationIT {
    private static final String HOST = "vs-it-tmpfs";
    private static final long ONLY_ON_TMPFS_GIB = 16_384;

    private final Callers callers = Callers.ofArquillianServer();
    private final Path hostFile = ItConfig.vbsHome().resolve("hosts").resolve(HOST + ".properties");
    private Path tmpfsPool;

    @Deployment(testable = false)
    public static EnterpriseArchive vbs() {
        return VbsEar.fromBuild();
    }

    @AfterEach
    void deregisterAndRemoveThePool() throws Exception {
        if (callers.devUser().describeHosts().stream().anyMatch(h -> h.getHostName().equals(HOST))) {
            assertTrue(callers.devUser().deregisterHost(HOST));
        }
        if (tmpfsPool != null) {
            VbsHomes.deleteTree(tmpfsPool);
        }
    }


    private static void assertFault(String code, Executable call, String mention) {
        VbsFault fault = assertThrows(VbsFault.class, call);
        assertEquals(code, Faults.code(fault), Faults.message(fault));
        assertTrue(Faults.message(fault).contains(mention), Faults.message(fault));
    }

    @Test
    public void nonAdministratorIsRefusedEveryOperationAndNothingIsWritten() throws Exception {
        // given a user who is not an administrator
        Caller user = callers.newUser("not-host-admin");

        // when it registers, describes and deregisters hosts, then each is refused as DescribePlugins is,
        // with the generic refusal
        assertFault("UnauthorizedOperation", () -> user.port().registerHost(Caller.registration(HOST,
                Map.of("transport", "local"))), "not authorized");
        assertFault("UnauthorizedOperation", () -> user.describeHosts(), "not authorized");
        assertFault("UnauthorizedOperation", () -> user.deregisterHost("local"), "not authorized");

        // and nothing was written, and the local host is still there
        assertFalse(Files.exists(hostFile));
        assertEquals(List.of("local"), callers.devUser().describeHosts("local").stream()
                .map(HostSetItemType::getHostName).toList());
    }

    @Test
    public void badRegistrationIsRefusedNamingTheKeyAndLeavesNoFile() throws Exception {
        // given an administrator
        Caller admin = callers.devUser();

        // when it registers a host with a misspelt key, a bad address, a hostile name, then a duplicate
        assertFault("InvalidParameterValue", () -> admin.port().registerHost(Caller.registration(HOST,
                Map.of("volume.driver", "file", "volume.pol", "/srv"))), "volume.pol");
        assertFault("InvalidParameterValue", () -> admin.port().registerHost(Caller.registration(HOST,
                Map.of("address", "127.0.0.1 -o ProxyCommand"))), "address");
        assertFault("InvalidParameterValue", () -> admin.port().registerHost(Caller.registration("../admins",
                Map.of())), "host name");
        assertFault("InvalidHost.Duplicate", () -> admin.port().registerHost(Caller.registration("local",
                Map.of())), "local");

        // then no file was written, and the host is unknown
        assertFalse(Files.exists(hostFile));
        assertFault("InvalidHost.NotFound", () -> admin.describeHosts(HOST), HOST);
    }

    @Test
    public void registeredVolumeServerIsUsedAtOnceAndKeptUntilItsVolumeIsDeleted() throws Exception {
        // given an administrator and a pool on tmpfs
        Caller admin = callers.devUser();
        tmpfsPool = Files.createTempDirectory(Path.of("/dev/shm"), "vbs-it-pool");

        // when it registers a second volume server with the file driver on that pool
        HostSetItemType registered = admin.port().registerHost(Caller.registration(HOST, Map.of("transport", "local",
                "volume.driver", "file", "volume.pool", tmpfsPool.toString()))).getHost();

        // then it is described with its driver and pool, working, and it is the cluster's: no file is written
        assertEquals(List.of(HOST, "local", "127.0.0.1"), List.of(registered.getHostName(), registered.getTransport(),
                registered.getAddress()));
        assertEquals(List.of("volume/file"), registered.getDriverSet().getItem().stream()
                .map(d -> d.getKind() + "/" + d.getId()).toList());
        assertEquals(List.of("volume.pool=" + tmpfsPool), registered.getPropertySet().getItem().stream()
                .map(p -> p.getKey() + "=" + p.getValue()).toList());
        assertEquals(List.of(), registered.getProblemSet().getItem());
        assertFalse(Files.exists(hostFile));

        // when a volume only it can hold is made, then it is placed there, without a restart
        String volumeId = admin.createVolume(ONLY_ON_TMPFS_GIB).getVolumeId();
        Pool pool = new Pool(tmpfsPool);
        assertTrue(Files.exists(pool.volumeFile(volumeId)), "the volume is on the registered host");

        // and while it keeps the volume, it cannot be deregistered
        assertFault("IncorrectState", () -> admin.deregisterHost(HOST), "1 volume(s)");
        assertEquals(List.of(HOST), admin.describeHosts(HOST).stream().map(HostSetItemType::getHostName).toList());

        // when the volume is deleted, then it is deregistered
        admin.deleteVolume(volumeId);
        pool.awaitAbsent(pool.volumeFile(volumeId));
        awaitDeregistered(admin);
        assertFault("InvalidHost.NotFound", () -> admin.describeHosts(HOST), HOST);
    }

    /** A deleted volume leaves the metadata once its delete finished (just after its file is gone). */
    private static void awaitDeregistered(Caller admin) throws Exception {
        Await.until("host " + HOST + " to be deregistered", Caller.PATIENCE, () -> {
            try {
                assertTrue(admin.deregisterHost(HOST));
                return Optional.of(HOST);
            } catch (VbsFault fault) {
                if (!"IncorrectState".equals(Faults.code(fault))) {
                    throw fault;
                }
                return Optional.empty();
            }
        }, () -> "still in use");
    }
}
