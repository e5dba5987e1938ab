package org.vbs.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CaDirectorySearchTest {
    @Test
    void shouldFindTheCaDirectoryInTheOrderGlobusToolsUse(@TempDir Path dir) throws Exception {
        Path home = Files.createDirectories(dir.resolve("home"));
        Path system = dir.resolve("etc/grid-security/certificates");
        Path development = dir.resolve("vbs/certificates");

        // nothing grid-like there: the development directory
        assertEquals(development, find(Optional.empty(), Map.of(), home, system, development));
        // the system directory, once it exists
        Files.createDirectories(system);
        assertEquals(system, find(Optional.empty(), Map.of(), home, system, development));
        // ~/.globus/certificates, once it exists, over it
        Path globus = Files.createDirectories(home.resolve(".globus/certificates"));
        assertEquals(globus, find(Optional.empty(), Map.of(), home, system, development));
        // X509_CERT_DIR over those, even a missing one (loading then names it), blank ignored
        assertEquals(Path.of("/missing/certs"),
                find(Optional.empty(), Map.of("X509_CERT_DIR", "/missing/certs"), home, system, development));
        assertEquals(globus, find(Optional.empty(), Map.of("X509_CERT_DIR", " "), home, system, development));
        // the option over everything
        assertEquals(Path.of("/opt/certs"), find(Optional.of(Path.of("/opt/certs")),
                Map.of("X509_CERT_DIR", "/missing/certs"), home, system, development));
    }

    private static Path find(Optional<Path> option, Map<String, String> env, Path home, Path system, Path development) {
        return CaDirectorySearch.find(option, env, home, system, development);
    }
}
