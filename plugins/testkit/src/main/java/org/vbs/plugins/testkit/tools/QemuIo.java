package org.vbs.plugins.testkit.tools;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Block I/O through an iSCSI target with {@code qemu-io} (Debian {@code qemu-utils} and
 * {@code qemu-block-extra}, whose iSCSI driver is libiscsi). The CHAP secret reaches QEMU in a 0600
 * file ({@code --object secret,file=...}), deleted right after, never in argv.
 */
public final class QemuIo {
    private QemuIo() {
    }

    /**
     * Runs {@code qemu-io} commands (e.g. {@code "write -P 0x5a 1048576 65536"}) against the LUN.
     *
     * @param workDir where the secret file is written for the call
     */
    public static ExecResult run(Path workDir, String portal, String targetIqn, int lun, String initiatorName,
                                 String user, String secret, List<String> commands) throws IOException {
        Path secretFile = workDir.resolve("qemu-secret-" + UUID.randomUUID());
        Files.createFile(secretFile, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        try {
            Files.writeString(secretFile, secret, StandardCharsets.UTF_8);
            List<String> argv = new ArrayList<>(List.of("qemu-io", "--object", "secret,id=chap0,file=" + secretFile,
                    "--image-opts", "driver=iscsi,transport=tcp,portal=" + portal + ",target=" + targetIqn + ",lun="
                            + lun + ",user=" + user + ",password-secret=chap0,initiator-name=" + initiatorName));
            for (String command : commands) {
                argv.add("-c");
                argv.add(command);
            }
            return ExecResult.of(argv, Duration.ofSeconds(60));
        } finally {
            Files.deleteIfExists(secretFile);
        }
    }
}
