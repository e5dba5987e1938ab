package org.vbs.core.host;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.vbs.core.testing.Faults.assertFault;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vbs.core.api.ErrorCode;
import org.vbs.core.api.VbsException;
import org.vbs.core.testing.EmbeddedMetadata;

/**
 * The registry of two nodes ("a" and "b", each its own hosts directory) over one real transactional
 * hosts cache: what RegisterHost registers through one node, every node uses, also after a restart;
 * DeregisterHost through any node removes it for all; a node's own files stay its own; a name a
 * node's file and the cluster define differently is used by neither on that node, and says why; a
 * refused change leaves the files, the cache and the live set as they were.
 */
class HostRegistryTest {
    @TempDir
    Path home;
    private final EmbeddedMetadata metadata = new EmbeddedMetadata();

    @AfterEach
    void stop() {
        metadata.close();
    }

    private Path dir(String node) {
        return home.resolve(node).resolve("hosts");
    }

    private HostRegistry node(String node) throws IOException {
        return HostRegistry.open(dir(node), metadata.sharedHosts());
    }

    private static Map<String, String> volumeServer(String pool) {
        return Map.of("transport", "local", "address", "10.0.0.5", "volume.driver", "file", "volume.pool", pool,
                "export.driver", "tgt", "export.portal", "10.0.0.5:3260");
    }

    private List<Path> files(String node) throws IOException {
        if (!Files.isDirectory(dir(node))) {
            return List.of();
        }
        try (Stream<Path> listing = Files.list(dir(node))) {
            return listing.sorted().toList();
        }
    }

    private static List<String> names(HostRegistry registry) {
        return registry.registrations().stream().map(HostRegistration::name).toList();
    }

    @Test
    void shouldRegisterThroughOneNodeForEveryNodeAndKeepItAcrossARestartWithoutWritingAFile() throws IOException {
        HostRegistry a = node("a");
        HostRegistry b = node("b");

        HostRegistration registered = a.register("vs2", volumeServer("/srv/pool with spaces=x"), host -> { });

        assertEquals(List.of(registered), a.registrations());
        assertEquals(List.of(registered), b.registrations());
        assertEquals(List.of(), files("a"), "the cluster keeps it, not a file of the node that took it");
        assertEquals(List.of(registered), node("a").registrations(), "a restarted node");
        assertEquals(Map.of("pool", "/srv/pool with spaces=x"),
                b.find("vs2").orElseThrow().driver(DriverKind.VOLUME).orElseThrow().properties());
    }

    @Test
    void shouldKeepTheHostsSortedByNameBesideTheOnesOfThisNodesFiles() throws IOException {
        Files.createDirectories(dir("a"));
        Files.writeString(dir("a").resolve("local.properties"), "transport=local\n");
        HostRegistry a = node("a");

        a.register("zz", Map.of(), host -> { });
        a.register("aa", Map.of(), host -> { });

        assertEquals(List.of("aa", "local", "zz"), names(a));
        assertEquals(List.of("aa", "zz"), names(node("b")), "a file is its node's own");
    }

    @Test
    void shouldRefuseANameAnotherNodeRegisteredAndChangeNothingOnEither() throws IOException {
        HostRegistry a = node("a");
        HostRegistry b = node("b");
        a.register("vs2", volumeServer("/srv/a"), host -> { });
        Map<String, RegisteredHost> before = Map.copyOf(metadata.hosts());

        assertFault(ErrorCode.INVALID_HOST_DUPLICATE, () -> b.register("vs2", volumeServer("/srv/b"), host -> { }),
                "vs2");

        assertEquals(before, Map.copyOf(metadata.hosts()));
        for (HostRegistry node : List.of(a, b)) {
            assertEquals("/srv/a", node.find("vs2").orElseThrow().driver(DriverKind.VOLUME).orElseThrow()
                    .properties().get("pool"));
        }
        assertEquals(List.of(), files("a"));
        assertEquals(List.of(), files("b"));
    }

    @Test
    void shouldRefuseANameOfThisNodesFileAlsoOneAnOperatorAddedSinceTheStart() throws IOException {
        Files.createDirectories(dir("a"));
        Files.writeString(dir("a").resolve("vs2.properties"), "transport=local\n");
        HostRegistry a = node("a");
        Files.writeString(dir("a").resolve("vs3.properties"), "transport=local\n");

        assertFault(ErrorCode.INVALID_HOST_DUPLICATE, () -> a.register("vs2", Map.of(), host -> { }));
        assertFault(ErrorCode.INVALID_HOST_DUPLICATE, () -> a.register("vs3", Map.of(), host -> { }));

        assertEquals("transport=local\n", Files.readString(dir("a").resolve("vs3.properties")));
        assertTrue(metadata.hosts().isEmpty(), "nothing registered for the cluster");
    }

    @Test
    void shouldRefuseABadRegistrationNamingTheKeyAndWriteNothing() throws IOException {
        HostRegistry registry = node("a");
        Map<String, Map<String, String>> refused = Map.of(
                "'volume.po l'", Map.of("volume.driver", "file", "volume.po l", "/srv"),
                "'storage.driver'", Map.of("storage.driver", "file"),
                "address", Map.of("address", "10.0.0.5; reboot"),
                "transport", Map.of("transport", "telnet"),
                "ssh.knownHosts", Map.of("transport", "ssh", "address", "10.0.0.9", "ssh.user", "vbs",
                        "ssh.privateKey", "/etc/vbs/id_ed25519"),
                "export.driver", Map.of("export.driver", "TGT!"),
                "ssh.port", Map.of("transport", "ssh", "address", "10.0.0.9", "ssh.user", "vbs", "ssh.port", "99999",
                        "ssh.privateKey", "/k", "ssh.knownHosts", "/h"));

        refused.forEach((key, items) -> assertFault(ErrorCode.INVALID_PARAMETER_VALUE,
                () -> registry.register("vs2", items, host -> { }), key));
        assertFault(ErrorCode.INCORRECT_STATE, () -> registry.register("vs2", Map.of(), host -> {
            throw new VbsException(ErrorCode.INCORRECT_STATE, "not acceptable");
        }));

        assertEquals(List.of(), files("a"));
        assertTrue(metadata.hosts().isEmpty());
        assertEquals(List.of(), registry.registrations());
    }

    @Test
    void shouldRefuseAHostileName() throws IOException {
        HostRegistry registry = node("a");

        for (String name : new String[] {"../admins", "Local", "a/b", "", ".hidden", "x\ny"}) {
            assertFault(ErrorCode.INVALID_PARAMETER_VALUE, () -> registry.register(name, Map.of(), host -> { }), "host name");
        }
        assertFault(ErrorCode.INVALID_PARAMETER_VALUE, () -> registry.register(null, Map.of(), host -> { }), "host name");

        assertTrue(metadata.hosts().isEmpty());
        assertFalse(Files.exists(home.resolve("a").resolve("admins")));
    }

    @Test
    void shouldRefuseAnSshHostWhosePinnedHostKeysAreNotThere() throws IOException {
        HostRegistry registry = node("a");
        Path key = Files.writeString(home.resolve("id_ed25519"), "not read here");
        Map<String, String> ssh = Map.of("transport", "ssh", "address", "10.0.0.9", "ssh.user", "vbs",
                "ssh.privateKey", key.toString(), "ssh.knownHosts", home.resolve("known_hosts").toString());

        assertFault(ErrorCode.INVALID_PARAMETER_VALUE, () -> registry.register("vs9", ssh, host -> { }),
                "ssh.knownHosts");
        assertTrue(metadata.hosts().isEmpty());

        Files.writeString(home.resolve("known_hosts"), "10.0.0.9 ssh-ed25519 AAAA\n");
        HostRegistration registered = registry.register("vs9", ssh, host -> { });
        assertEquals(HostRegistration.Transport.SSH, registered.transport());
        assertEquals(Optional.of(new HostRegistration.SshSettings("vbs", 22, key.toString(),
                home.resolve("known_hosts").toString())), registered.ssh());
    }

    @Test
    void shouldDeregisterThroughAnyNodeForEveryNode() throws IOException {
        HostRegistry a = node("a");
        HostRegistry b = node("b");
        a.register("vs2", volumeServer("/srv/a"), host -> { });

        b.deregister("vs2", name -> { });

        assertEquals(List.of(), a.registrations());
        assertEquals(List.of(), b.registrations());
        assertEquals(List.of(), node("a").registrations(), "a restarted node");
        assertFault(ErrorCode.INVALID_HOST_NOT_FOUND, () -> a.deregister("vs2", name -> { }), "vs2");
    }

    @Test
    void shouldDeregisterAHostOfThisNodesFileByDeletingIt() throws IOException {
        Files.createDirectories(dir("a"));
        Files.writeString(dir("a").resolve("local.properties"), "transport=local\n");
        HostRegistry a = node("a");
        HostRegistry b = node("b");
        assertFault(ErrorCode.INVALID_HOST_NOT_FOUND, () -> b.deregister("local", name -> { }), "local");

        a.deregister("local", name -> { });

        assertEquals(List.of(), a.registrations());
        assertEquals(List.of(), files("a"));
        assertEquals(List.of(), node("a").registrations());
    }

    @Test
    void shouldHideTheHostFromEveryNodeWhileTheCheckLooksAndPutItBackWhenTheCheckRefuses() throws IOException {
        HostRegistry a = node("a");
        HostRegistry b = node("b");
        HostRegistration vs2 = a.register("vs2", volumeServer("/srv/a"), host -> { });

        VbsException refused = assertThrows(VbsException.class, () -> b.deregister("vs2", name -> {
            assertEquals(Optional.empty(), a.find("vs2"), "no node may place anything on it while the check looks");
            assertEquals(Optional.empty(), b.find("vs2"));
            throw new VbsException(ErrorCode.INCORRECT_STATE, "in use");
        }));

        assertEquals("in use", refused.getMessage());
        assertEquals(List.of(vs2), a.registrations());
        assertEquals(List.of(vs2), b.registrations());
    }

    @Test
    void shouldUseNeitherDefinitionOfANameThisNodesFileAndTheClusterDefineDifferentlyAndSayWhy() throws IOException {
        Files.createDirectories(dir("a"));
        Files.writeString(dir("a").resolve("vs2.properties"), "transport=local\naddress=10.0.0.6\n");
        Files.writeString(dir("a").resolve("vs3.properties"), "transport=local\naddress=10.0.0.7\n");
        HostRegistry a = node("a");
        HostRegistry b = node("b");

        // b has no such files: it registers both, one as a's file has it, one otherwise
        HostRegistration vs2 = b.register("vs2", Map.of("address", "10.0.0.5"), host -> { });
        HostRegistration vs3 = b.register("vs3", Map.of("transport", "local", "address", "10.0.0.7"), host -> { });

        assertEquals(List.of(vs2, vs3), b.registrations(), "b has only the cluster's");
        assertEquals(List.of(vs3), a.registrations(), "the same definition is one host; a different one is not used");
        HostRegistry.Known conflict = a.known().get(0);
        assertEquals("10.0.0.6", conflict.registration().address(), "described as this node's file has it");
        String problem = conflict.unusable().orElseThrow();
        for (String mention : List.of("'vs2'", dir("a").resolve("vs2.properties").toString(), "10.0.0.6", "10.0.0.5",
                "RegisterHost", "deregister")) {
            assertTrue(problem.contains(mention), problem);
        }
        VbsException fault = a.unusable("vs2");
        assertEquals(ErrorCode.SERVICE_UNAVAILABLE, fault.code());
        assertEquals(problem, fault.getMessage());

        // deregistering it through a removes both, so no node has it any more
        a.deregister("vs2", name -> { });
        assertEquals(List.of(vs3), a.registrations());
        assertEquals(List.of(vs3), b.registrations());
        assertFalse(Files.exists(dir("a").resolve("vs2.properties")));
    }

    @Test
    void shouldNotUseAClusterRegistrationThisNodeCannotRead() throws IOException {
        HostRegistry a = node("a");
        metadata.hosts().put("vs4", new RegisteredHost("vs4", Map.of("volume.driver", "file", "storage.tier", "gold")));

        assertEquals(List.of(), a.registrations());
        assertEquals(List.of(), a.known());
        assertTrue(a.unusable("vs4").getMessage().contains("No host named 'vs4'"), a.unusable("vs4").getMessage());
        a.deregister("vs4", name -> { });
        assertTrue(metadata.hosts().isEmpty());
    }
}
