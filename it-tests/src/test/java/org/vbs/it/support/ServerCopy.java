package org.vbs.it.support;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.List;
import java.util.Set;

/**
 * A private copy of the provisioned WildFly for tests: modules, scripts and configuration, but none of
 * the original's state (data/ with its Infinispan stores, tmp/, log/, configuration history) and
 * none of its deployments; the deployments given are put in instead. Permissions are kept, so its
 * bin/*.sh stay executable.
 */
public final class ServerCopy {
    /** Paths under the server root never copied: runtime state of the original. */
    private static final Set<Path> STATE = Set.of(
            Path.of("standalone", "data"),
            Path.of("standalone", "tmp"),
            Path.of("standalone", "log"),
            Path.of("standalone", "configuration", "standalone_xml_history"),
            Path.of("standalone", "deployments"));

    private ServerCopy() {
    }

    /**
     * Replaces {@code copy} (if it exists) by a copy of {@code server} holding the deployments.
     *
     * @param deployments files put into standalone/deployments (deployed at boot)
     */
    public static void make(Path server, Path copy, List<Path> deployments) throws IOException {
        if (!Files.isRegularFile(server.resolve("jboss-modules.jar"))) {
            throw new IllegalStateException(server + " is not a provisioned WildFly (no jboss-modules.jar):"
                    + " build the ear module first");
        }
        VbsHomes.deleteTree(copy);
        Files.walkFileTree(server, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
                Path relative = server.relativize(dir);
                if (STATE.contains(relative)) {
                    return FileVisitResult.SKIP_SUBTREE;
                }
                Files.createDirectories(copy.resolve(relative));
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.copy(file, copy.resolve(server.relativize(file)), StandardCopyOption.COPY_ATTRIBUTES);
                return FileVisitResult.CONTINUE;
            }
        });
        Path deploymentsDir = Files.createDirectories(copy.resolve("standalone").resolve("deployments"));
        for (Path deployment : deployments) {
            Files.copy(deployment, deploymentsDir.resolve(deployment.getFileName()));
        }
    }
}
