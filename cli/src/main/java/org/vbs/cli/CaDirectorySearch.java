package org.vbs.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * Finds the grid CA directory (OpenSSL layout: {@code <hash>.0} CA certificates, {@code <hash>.r0}
 * CRLs) the service's signed answers are checked against, as Globus tools look for it: the
 * {@code --ca-dir} option; else {@code $X509_CERT_DIR}; else {@code ~/.globus/certificates} if it
 * exists; else {@code /etc/grid-security/certificates} if it exists; else the development one,
 * {@code $VBS_HOME/certificates}. A directory named by the option or the variable is used even if
 * it is missing: loading then says so, rather than quietly trusting another directory.
 */
final class CaDirectorySearch {
    /** The grid's variable naming the trusted CA directory. */
    static final String ENV_CERT_DIR = "X509_CERT_DIR";
    static final Path SYSTEM_DIRECTORY = Path.of("/etc/grid-security/certificates");

    private CaDirectorySearch() {
    }

    static Path find(Optional<Path> option, Map<String, String> env, Path userHome, Path development) {
        return find(option, env, userHome, SYSTEM_DIRECTORY, development);
    }

    /** The same with the system directory given (tests). */
    static Path find(Optional<Path> option, Map<String, String> env, Path userHome, Path system, Path development) {
        return option
                .or(() -> ClientSettings.set(env, ENV_CERT_DIR).map(Path::of))
                .or(() -> Optional.of(userHome.resolve(".globus").resolve("certificates")).filter(Files::isDirectory))
                .or(() -> Optional.of(system).filter(Files::isDirectory))
                .orElse(development);
    }
}
