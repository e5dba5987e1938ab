package org.vbs.plugins.volume.file;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.List;

import org.vbs.plugins.spi.volume.Capability;
import org.vbs.plugins.spi.volume.ProgressListener;

/**
 * Copies by reflink ({@code cp --reflink=always}): the copy shares the source's blocks until either
 * is written, so it takes O(1) time and space whatever the size. Java cannot reach the FICLONE ioctl,
 * hence {@code cp}. The kernel flushes the source's dirty pages before cloning it.
 */
final class ReflinkCopier implements FileCopier {
    private static final System.Logger LOG = System.getLogger(ReflinkCopier.class.getName());
    private static final int PROBE_BYTES = 64 * 1024;

    /**
     * Whether reflinks work in this directory: clones a small file holding data there, as a real copy
     * would. A file system without them (ext4, tmpfs) makes {@code cp} fail at once.
     */
    static boolean worksIn(Path dir) throws IOException {
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
                LocalCommand cp = LocalCommand.run(argv(source, target));
                if (!cp.succeeded()) {
                    LOG.log(System.Logger.Level.INFO, "no reflinks in {0}: cp said \"{1}\"", dir, cp.output());
                }
                return cp.succeeded();
            } finally {
                Files.deleteIfExists(target);
            }
        } finally {
            Files.deleteIfExists(source);
        }
    }

    @Override
    public Capability snapshotKind() {
        return Capability.COPY_ON_WRITE_SNAPSHOTS;
    }

    @Override
    public long spaceNeeded(Path source) {
        return 0; // blocks are shared; the clone's metadata is too small to plan for
    }

    @Override
    public void copy(Path source, Path target, ProgressListener progress) throws IOException {
        LocalCommand cp = LocalCommand.run(argv(source, target));
        if (!cp.succeeded()) {
            throw new IOException("cp --reflink=always " + source + " " + target + " failed with exit code "
                    + cp.exitCode() + ": " + cp.output());
        }
        progress.progress(100);
    }

    private static List<String> argv(Path source, Path target) {
        return List.of("cp", "--reflink=always", "--sparse=auto", "--", source.toString(), target.toString());
    }
}
