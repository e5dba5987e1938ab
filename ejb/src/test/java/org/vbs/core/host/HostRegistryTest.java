package org.vbs.core.host;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.vbs.core.testing.Faults.assertFault;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vbs.core.api.ErrorCode;
import org.vbs.core.api.VbsException;

/**
 * The registry keeps the hosts live and in their files: what RegisterHost wrote, a restart reads; a
 * refused registration or deregistration leaves the files and the live set as they were.
 */
class HostRegistryTest {
    @TempDir
    Path home;

    private Path dir() {
        return home.resolve("hosts");
    }

    private static Map<String, String> volumeServer(String pool) {
        return Map.of("transport", "local", "address", "10.0.0.5", "volume.driver", "file", "volume.pool", pool,
                "export.driver", "tgt", "export.portal", "10.0.0.5:3260");
    }

    private List<Path> files() throws IOException {
        if (!Files.isDirectory(dir())) {
            return List.of();
        }
        try (Stream<Path> listing = Files.list(dir())) {
            return listing.sorted().toList();
        }
    }

    @Test
    void shouldWriteTheRegistrationAsAHostFileThatARestartReadsBack() throws IOException {
        HostRegistry registry = HostRegistry.open(dir());

        HostRegistration registered = registry.register("vs2", volumeServer("/srv/pool with spaces=x"), host -> { });

        assertEquals(List.of(registered), registry.registrations());
        Path file = dir().resolve("vs2.properties");
        assertEquals(List.of(file), files(), "the file only, no temporary file left");
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        HostRegistry restarted = HostRegistry.open(dir());
        assertEquals(List.of(registered), restarted.registrations());
        assertEquals(Map.of("pool", "/srv/pool with spaces=x"),
                restarted.find("vs2").orElseThrow().driver(DriverKind.VOLUME).orElseThrow().properties());
    }

    @Test
    void shouldKeepTheHostsSortedByNameBesideTheOnesReadAtStart() throws IOException {
        Files.createDirectories(dir());
        Files.writeString(dir().resolve("local.properties"), "transport=local\n");
        HostRegistry registry = HostRegistry.open(dir());

        registry.register("zz", Map.of(), host -> { });
        registry.register("aa", Map.of(), host -> { });

        assertEquals(List.of("aa", "local", "zz"), registry.registrations().stream().map(HostRegistration::name)
                .toList());
    }

    @Test
    void shouldRefuseADuplicateNameWithoutTouchingTheFile() throws IOException {
        HostRegistry registry = HostRegistry.open(dir());
        registry.register("vs2", volumeServer("/srv/a"), host -> { });
        String before = Files.readString(dir().resolve("vs2.properties"));

        assertFault(ErrorCode.INVALID_HOST_DUPLICATE, () -> registry.register("vs2", volumeServer("/srv/b"), host -> { }), "vs2");

        assertEquals(before, Files.readString(dir().resolve("vs2.properties")));
        assertEquals("/srv/a", registry.find("vs2").orElseThrow().driver(DriverKind.VOLUME).orElseThrow()
                .properties().get("pool"));
    }

    @Test
    void shouldRefuseANameWhoseFileAnOperatorAddedSinceTheStart() throws IOException {
        HostRegistry registry = HostRegistry.open(dir());
        Files.createDirectories(dir());
        Files.writeString(dir().resolve("vs3.properties"), "transport=local\n");

        assertFault(ErrorCode.INVALID_HOST_DUPLICATE, () -> registry.register("vs3", Map.of(), host -> { }));

        assertEquals("transport=local\n", Files.readString(dir().resolve("vs3.properties")));
    }

    @Test
    void shouldRefuseABadRegistrationNamingTheKeyAndWriteNothing() throws IOException {
        HostRegistry registry = HostRegistry.open(dir());
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

        assertEquals(List.of(), files());
        assertEquals(List.of(), registry.registrations());
    }

    @Test
    void shouldRefuseAHostileName() throws IOException {
        HostRegistry registry = HostRegistry.open(dir());

        for (String name : new String[] {"../admins", "Local", "a/b", "", ".hidden", "x\ny"}) {
            assertFault(ErrorCode.INVALID_PARAMETER_VALUE, () -> registry.register(name, Map.of(), host -> { }), "host name");
        }
        assertFault(ErrorCode.INVALID_PARAMETER_VALUE, () -> registry.register(null, Map.of(), host -> { }), "host name");

        assertEquals(List.of(), files());
        assertFalse(Files.exists(home.resolve("admins")));
    }

    @Test
    void shouldRefuseAnSshHostWhosePinnedHostKeysAreNotThere() throws IOException {
        HostRegistry registry = HostRegistry.open(dir());
        Path key = Files.writeString(home.resolve("id_ed25519"), "not read here");
        Map<String, String> ssh = Map.of("transport", "ssh", "address", "10.0.0.9", "ssh.user", "vbs",
                "ssh.privateKey", key.toString(), "ssh.knownHosts", home.resolve("known_hosts").toString());

        assertFault(ErrorCode.INVALID_PARAMETER_VALUE, () -> registry.register("vs9", ssh, host -> { }),
                "ssh.knownHosts");
        assertEquals(List.of(), files());

        Files.writeString(home.resolve("known_hosts"), "10.0.0.9 ssh-ed25519 AAAA\n");
        HostRegistration registered = registry.register("vs9", ssh, host -> { });
        assertEquals(HostRegistration.Transport.SSH, registered.transport());
        assertEquals(Optional.of(new HostRegistration.SshSettings("vbs", 22, key.toString(),
                home.resolve("known_hosts").toString())), registered.ssh());
    }

    @Test
    void shouldDeregisterByDeletingTheFileAndTheHost() throws IOException {
        HostRegistry registry = HostRegistry.open(dir());
        registry.register("vs2", volumeServer("/srv/a"), host -> { });

        registry.deregister("vs2", host -> { });

        assertEquals(List.of(), registry.registrations());
        assertEquals(List.of(), files());
        assertEquals(List.of(), HostRegistry.open(dir()).registrations());
        assertFault(ErrorCode.INVALID_HOST_NOT_FOUND, () -> registry.deregister("vs2", host -> { }), "vs2");
    }

    @Test
    void shouldHideTheHostWhileTheCheckLooksAndPutItBackWhenTheCheckRefuses() throws IOException {
        HostRegistry registry = HostRegistry.open(dir());
        HostRegistration vs2 = registry.register("vs2", volumeServer("/srv/a"), host -> { });

        VbsException refused = assertThrows(VbsException.class, () -> registry.deregister("vs2", host -> {
            assertEquals(Optional.empty(), registry.find("vs2"), "placement must not see it while the check looks");
            throw new VbsException(ErrorCode.INCORRECT_STATE, "in use");
        }));

        assertEquals("in use", refused.getMessage());
        assertEquals(List.of(vs2), registry.registrations());
        assertTrue(Files.exists(dir().resolve("vs2.properties")));
    }
}
