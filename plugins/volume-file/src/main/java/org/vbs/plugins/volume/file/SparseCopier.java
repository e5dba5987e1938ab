package org.vbs.plugins.volume.file;

import java.io.EOFException;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

import org.vbs.plugins.spi.volume.Capability;
import org.vbs.plugins.spi.volume.ProgressListener;

/**
 * Copies byte by byte in chunks, for file systems without reflinks. All-zero chunks are not written,
 * so holes stay holes and a sparse volume's copy stays sparse. Reads go through the page cache, so
 * data written to the source but not yet flushed is copied too.
 */
final class SparseCopier implements FileCopier {
    private static final int CHUNK = 1 << 20;

    @Override
    public Capability snapshotKind() {
        return Capability.FULL_COPY_SNAPSHOTS;
    }

    /**
     * The source's full size: Java cannot see how much of a sparse file is allocated, and a copy that
     * ran the pool out of space midway would fail late and starve the volumes being written.
     */
    @Override
    public long spaceNeeded(Path source) throws IOException {
        return Files.size(source);
    }

    @Override
    public void copy(Path source, Path target, ProgressListener progress) throws IOException {
        try (FileChannel in = FileChannel.open(source, StandardOpenOption.READ);
                RandomAccessFile out = new RandomAccessFile(target.toFile(), "rw")) {
            FileChannel outChannel = out.getChannel();
            long size = in.size();
            ByteBuffer buffer = ByteBuffer.allocateDirect(CHUNK);
            int reported = 0;
            progress.progress(0);
            for (long position = 0; position < size; position += buffer.limit()) {
                buffer.clear().limit((int) Math.min(CHUNK, size - position));
                while (buffer.hasRemaining()) {
                    if (in.read(buffer, position + buffer.position()) < 0) {
                        throw new EOFException(source + " shrank to " + in.size() + " bytes while being copied");
                    }
                }
                buffer.flip();
                if (!allZero(buffer)) {
                    while (buffer.hasRemaining()) {
                        outChannel.write(buffer, position + buffer.position());
                    }
                }
                int percent = (int) ((position + buffer.limit()) * 100 / size);
                if (percent > reported) {
                    progress.progress(percent);
                    reported = percent;
                }
            }
            out.setLength(size); // a trailing hole was never written
        }
    }

    private static boolean allZero(ByteBuffer buffer) {
        int i = buffer.position();
        for (; i + Long.BYTES <= buffer.limit(); i += Long.BYTES) {
            if (buffer.getLong(i) != 0) {
                return false;
            }
        }
        for (; i < buffer.limit(); i++) {
            if (buffer.get(i) != 0) {
                return false;
            }
        }
        return true;
    }
}
