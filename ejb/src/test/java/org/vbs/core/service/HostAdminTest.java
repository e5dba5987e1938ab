package org.vbs.core.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.vbs.core.testing.Faults.assertFault;
import static org.vbs.core.testing.ServiceFixture.BOB;
import static org.vbs.core.testing.ServiceFixture.HOST;
import static org.vbs.core.testing.ServiceFixture.HYPERVISOR_HOST;
import static org.vbs.core.testing.ServiceFixture.JANE;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vbs.core.api.ErrorCode;
import org.vbs.core.api.HostAdministration.Host;
import org.vbs.core.api.Volume;
import org.vbs.core.auth.AdminList;
import org.vbs.core.domain.VolumeRecord;
import org.vbs.core.host.DriverKind;
import org.vbs.core.host.HostDriverStates;
import org.vbs.core.host.HostRegistry;
import org.vbs.core.host.RegisteredHost;
import org.vbs.core.testing.ServiceFixture;
import org.vbs.plugins.spi.DriverFactory.ConfigProperty;

/**
 * RegisterHost, DescribeHosts and DeregisterHost over a registry in a temporary VBS_HOME and the
 * service's real metadata: only administrators, nothing written when refused, and no host taken away
 * while a volume, snapshot or attachment still uses it.
 */
class HostAdminTest {
    @TempDir
    Path home;
    private ServiceFixture fixture;
    private HostRegistry registry;
    private HostAdmin admin;
    private final List<String> forgotten = new ArrayList<>();

    /** The file driver's plugin runs (it declares pool, and a secret); no other plugin does. */
    private final HostDriverStates drivers = new HostDriverStates() {
        @Override
        public Optional<String> problem(String host, DriverKind kind) {
            return kind == DriverKind.HYPERVISOR ? Optional.of("No hypervisor driver 'in-test' is available") :
                    Optional.empty();
        }

        @Override
        public Optional<List<ConfigProperty>> properties(DriverKind kind, String driverId) {
            return kind == DriverKind.VOLUME && driverId.equals("file")
                    ? Optional.of(List.of(new ConfigProperty("pool", "the pool", true, false),
                            new ConfigProperty("password", "a secret", false, true)))
                    : Optional.empty();
        }

        @Override
        public void forget(String host) {
            forgotten.add(host);
        }
    };

    @BeforeEach
    void start() throws IOException {
        fixture = new ServiceFixture(home.resolve("pool"));
        Path hosts = Files.createDirectories(home.resolve("hosts"));
        Files.writeString(hosts.resolve(HOST + ".properties"), "volume.driver=tempdir\nexport.driver=in-test\n");
        Files.writeString(hosts.resolve(HYPERVISOR_HOST + ".properties"), "address=10.0.0.7\nhypervisor.driver=in-test\n");
        Files.writeString(home.resolve(AdminList.FILE_NAME), JANE.caller().dn() + "\n");
        registry = HostRegistry.open(hosts, fixture.metadata.sharedHosts());
        admin = new HostAdmin(registry, drivers, new AdminList(home.resolve(AdminList.FILE_NAME)),
                fixture.metadata.store()::allVolumes, fixture.metadata.store()::allSnapshots);
    }

    @AfterEach
    void stop() {
        fixture.close();
    }

    private Path file(String host) {
        return home.resolve("hosts").resolve(host + ".properties");
    }

    @Test
    void shouldRefuseEveryOperationToANonAdministratorAndChangeNothing() {
        Map<String, String> items = Map.of("volume.driver", "file", "volume.pool", "/srv");

        assertFault(ErrorCode.UNAUTHORIZED_OPERATION, () -> admin.registerHost(BOB, "vs2", items), "administrators");
        assertFault(ErrorCode.UNAUTHORIZED_OPERATION, () -> admin.describeHosts(BOB, Set.of()), "administrators");
        assertFault(ErrorCode.UNAUTHORIZED_OPERATION, () -> admin.deregisterHost(BOB, HYPERVISOR_HOST), "administrators");
        // A bad request from a non-administrator learns nothing about why it is bad.
        assertFault(ErrorCode.UNAUTHORIZED_OPERATION, () -> admin.registerHost(BOB, "../x", Map.of("bad", "1")));

        assertFalse(Files.exists(file("vs2")));
        assertTrue(Files.exists(file(HYPERVISOR_HOST)));
        assertEquals(List.of(HYPERVISOR_HOST, HOST), registry.registrations().stream().map(h -> h.name()).toList());
        assertEquals(List.of(), forgotten);
    }

    @Test
    void shouldRegisterAndDescribeAHostWithoutShowingAnUnvouchedOrSecretValue() {
        Host registered = admin.registerHost(JANE, "vs2", Map.of("address", "10.0.0.5", "volume.driver", "file",
                "volume.pool", "/srv/pool", "volume.password", "s3cret", "export.driver", "tgt",
                "export.chapPassword", "t0p"));

        assertEquals(new Host("vs2", "local", "10.0.0.5", Map.of("volume", "file", "export", "tgt"),
                Map.of("volume.pool", "/srv/pool", "volume.password", Host.HIDDEN, "export.chapPassword", Host.HIDDEN),
                Map.of()), registered);
        assertEquals(List.of(registered), admin.describeHosts(JANE, Set.of("vs2")));
        assertEquals(Map.of("hypervisor", "No hypervisor driver 'in-test' is available"),
                admin.describeHosts(JANE, Set.of(HYPERVISOR_HOST)).get(0).problems());
        assertEquals(List.of(HYPERVISOR_HOST, HOST, "vs2"), admin.describeHosts(JANE, Set.of()).stream()
                .map(Host::name).toList());
        assertFalse(Files.exists(file("vs2")), "registered for the cluster, not in this node's files");
        assertTrue(fixture.metadata.hosts().containsKey("vs2"));
    }

    @Test
    void shouldRefuseAPropertyTheRunningDriverDoesNotTakeOrLacksAndWriteNothing() {
        assertFault(ErrorCode.INVALID_PARAMETER_VALUE, () -> admin.registerHost(JANE, "vs2",
                Map.of("volume.driver", "file", "volume.pool", "/srv", "volume.pol", "/srv")), "'volume.pol'", "pool");
        assertFault(ErrorCode.INVALID_PARAMETER_VALUE, () -> admin.registerHost(JANE, "vs2",
                Map.of("volume.driver", "file")), "volume.pool");

        assertFalse(Files.exists(file("vs2")));
        assertTrue(fixture.metadata.hosts().isEmpty());
        assertFault(ErrorCode.INVALID_HOST_NOT_FOUND, () -> admin.describeHosts(JANE, Set.of("vs2")), "'vs2'");
    }

    @Test
    void shouldRefuseToDeregisterAClusterRegisteredHostWhileAnotherNodesVolumeIsKeptOnItThenDeregisterIt() {
        admin.registerHost(JANE, "vs2", Map.of("volume.driver", "file", "volume.pool", "/srv/pool"));
        // a volume another node placed there: it is in the replicated metadata, not in this node's memory
        VolumeRecord elsewhere = VolumeRecord.creating("vol-0123456789abcdef0", BOB.caller().dn(), "vs2", 1,
                Optional.empty(), Map.of(), Optional.empty(), Instant.EPOCH);
        fixture.metadata.transactions().run("insert", () -> fixture.metadata.store().insertVolume(elsewhere,
                Optional.empty()));

        assertFault(ErrorCode.INCORRECT_STATE, () -> admin.deregisterHost(JANE, "vs2"), "'vs2'", "1 volume(s)");

        assertTrue(fixture.metadata.hosts().containsKey("vs2"), "put back for every node");
        assertTrue(registry.find("vs2").isPresent());
        assertEquals(List.of(), forgotten);
        fixture.metadata.transactions().run("remove", () -> fixture.metadata.store().removeVolume(elsewhere));

        admin.deregisterHost(JANE, "vs2");

        assertFalse(fixture.metadata.hosts().containsKey("vs2"));
        assertEquals(List.of("vs2"), forgotten);
    }

    @Test
    void shouldDescribeAHostThisNodesFileAndTheClusterDefineDifferentlyWithWhyItIsNotUsed() {
        fixture.metadata.hosts().put(HYPERVISOR_HOST, new RegisteredHost(HYPERVISOR_HOST, Map.of("address",
                "10.0.0.99", "hypervisor.driver", "in-test")));

        Host described = admin.describeHosts(JANE, Set.of(HYPERVISOR_HOST)).get(0);

        assertEquals("10.0.0.7", described.address(), "as this node's file has it");
        assertEquals(Set.of(HostRegistry.REGISTRATION_PROBLEM), described.problems().keySet());
        assertTrue(described.problems().get(HostRegistry.REGISTRATION_PROBLEM).contains("10.0.0.99"),
                described.problems().toString());
    }

    @Test
    void shouldRefuseToDeregisterAVolumeServerWhileAVolumeIsKeptOnItThenDeregisterOnceItIsDeleted() {
        Volume volume = fixture.service.createVolume(JANE, CreateVolumeTest.size(2));

        assertFault(ErrorCode.INCORRECT_STATE, () -> admin.deregisterHost(JANE, HOST), "1 volume(s)");

        assertTrue(Files.exists(file(HOST)));
        assertTrue(registry.find(HOST).isPresent());
        assertEquals(List.of(), forgotten);
        fixture.service.deleteVolume(JANE, volume.id());

        admin.deregisterHost(JANE, HOST);

        assertFalse(Files.exists(file(HOST)));
        assertEquals(Optional.empty(), registry.find(HOST));
        assertEquals(List.of(HOST), forgotten);
        assertFault(ErrorCode.INVALID_HOST_NOT_FOUND, () -> admin.deregisterHost(JANE, HOST), "'local'");
    }

    @Test
    void shouldRefuseToDeregisterAHypervisorHostAVolumeIsAttachedThrough() {
        Volume volume = fixture.service.createVolume(JANE, CreateVolumeTest.size(2));
        fixture.service.attachVolume(JANE, volume.id(), HYPERVISOR_HOST, "vm-1", "sdb");

        assertFault(ErrorCode.INCORRECT_STATE, () -> admin.deregisterHost(JANE, HYPERVISOR_HOST),
                "1 volume(s) are attached");

        assertTrue(Files.exists(file(HYPERVISOR_HOST)));
        fixture.service.detachVolume(JANE, volume.id(), Optional.empty(), Optional.empty(), false);
        fixture.executor.runAll();
        admin.deregisterHost(JANE, HYPERVISOR_HOST);
        assertFalse(Files.exists(file(HYPERVISOR_HOST)));
    }

    @Test
    void shouldRefuseToDeregisterAVolumeServerASnapshotIsKeptOn() {
        Volume volume = fixture.service.createVolume(JANE, CreateVolumeTest.size(2));
        fixture.service.createSnapshot(JANE, volume.id(), "kept");
        fixture.executor.runAll();
        fixture.service.deleteVolume(JANE, volume.id());

        assertFault(ErrorCode.INCORRECT_STATE, () -> admin.deregisterHost(JANE, HOST), "0 volume(s)",
                "1 snapshot(s)");

        assertTrue(Files.exists(file(HOST)));
    }
}
