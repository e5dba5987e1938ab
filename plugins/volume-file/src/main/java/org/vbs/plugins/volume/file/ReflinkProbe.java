package org.vbs.plugins.volume.file;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Map;

import org.vbs.plugins.spi.Command;
import org.vbs.plugins.spi.CommandResult;
import org.vbs.plugins.spi.CommandTemplate;
import org.vbs.plugins.spi.DriverException;
import org.vbs.plugins.spi.HostShell;

/**
 * Whether reflinks work in a directory: clones a small file holding data there, exactly as a copy
 * would. A file system without them (ext4, tmpfs) makes {@code cp --reflink=always} fail at once.
 */
final class ReflinkProbe {
    private static final System.Logger LOG = System.getLogger(ReflinkProbe.class.getName());
    private static final int PROBE_BYTES = 64 * 1024;

    private ReflinkProbe() {
    }

    static boolean worksIn(HostShell shell, CommandTemplate reflinkCopy, Path dir) throws DriverException {
        try {
            Path source = Files.createTempFile(dir, "reflink-probe-", ".src");
            try {
                Path target = Files.createTempFile(dir, "reflink-probe-", ".dst");
                try {
                    byte[] data = new byte[PROBE_BYTES];
                    Arrays.fill(data, (byte) 0x5a);
                    try (FileChannel channel = FileChannel.open(source, StandardOpenOption.WRITE)) {
                        ByteBuffer buffer = ByteBuffer.wrap(data);
                        while (buffer.hasRemaining()) {
                            channel.write(buffer);
                        }
                    }
                    Command cp = reflinkCopy.command(Map.of("source", source.toString(), "target", target.toString()));
                    CommandResult result = shell.run(cp);
                    if (!result.succeeded()) {
                        LOG.log(System.Logger.Level.INFO, "no reflinks in {0}: cp said \"{1}\"", dir,
                                result.stderr().strip());
                    }
                    return result.succeeded();
                } finally {
                    Files.deleteIfExists(target);
                }
            } finally {
                Files.deleteIfExists(source);
            }
        } catch (IOException e) {
            throw new DriverException(DriverException.Code.CONFIGURATION, "cannot probe for reflinks in " + dir + ": "
                    + e, e);
        }
    }
}
