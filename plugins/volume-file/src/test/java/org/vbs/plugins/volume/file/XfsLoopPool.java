package org.vbs.plugins.volume.file;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.vbs.plugins.testkit.tools.ExecResult;

/**
 * A real xfs file system with reflink=1 on a loop device, made from a sparse image file in a temporary
 * directory: {@code mkfs.xfs}, {@code losetup}, {@code mount}. Needs root and the Debian packages
 * {@code xfsprogs} and {@code mount}. {@link #close()} unmounts, detaches and deletes everything, and
 * so does a {@link #create} that fails midway.
 */
final class XfsLoopPool implements AutoCloseable {
    private final Path dir;
    private final Path image;
    private final Path mountPoint;
    private String loopDevice;

    private XfsLoopPool(Path dir) {
        this.dir = dir;
        this.image = dir.resolve("xfs.img");
        this.mountPoint = dir.resolve("mnt");
    }

    static XfsLoopPool create(long sizeBytes) throws IOException {
        XfsLoopPool xfs = new XfsLoopPool(Files.createTempDirectory("vbs-xfs-"));
        try {
            try (RandomAccessFile file = new RandomAccessFile(xfs.image.toFile(), "rw")) {
                file.setLength(sizeBytes);
            }
            run("mkfs.xfs", "-q", "-m", "reflink=1", xfs.image.toString());
            Files.createDirectory(xfs.mountPoint);
            xfs.loopDevice = run("losetup", "--find", "--show", xfs.image.toString());
            run("mount", "-t", "xfs", xfs.loopDevice, xfs.mountPoint.toString());
            return xfs;
        } catch (IOException | RuntimeException e) {
            try {
                xfs.close();
            } catch (IOException cleanup) {
                e.addSuppressed(cleanup);
            }
            throw e;
        }
    }

    /** Where the file system is mounted. */
    Path mountPoint() {
        return mountPoint;
    }

    /** Unmounts, detaches the loop device and deletes the image; tries every step even if one fails. */
    @Override
    public void close() throws IOException {
        IOException failure = null;
        if (isMounted()) {
            failure = attempt(failure, () -> run("umount", mountPoint.toString()));
            if (isMounted()) {
                // Something still holds a file open: detach lazily so the mount goes away with it.
                failure = attempt(failure, () -> run("umount", "--lazy", mountPoint.toString()));
            }
        }
        if (loopDevice != null) {
            failure = attempt(failure, () -> run("losetup", "--detach", loopDevice));
        }
        failure = attempt(failure, () -> Files.deleteIfExists(mountPoint));
        failure = attempt(failure, () -> Files.deleteIfExists(image));
        failure = attempt(failure, () -> Files.deleteIfExists(dir));
        if (failure != null) {
            throw failure;
        }
    }

    private boolean isMounted() {
        try {
            return Files.isDirectory(mountPoint) && !Files.getFileStore(mountPoint).equals(Files.getFileStore(dir));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot tell whether " + mountPoint + " is mounted", e);
        }
    }

    @FunctionalInterface
    private interface Step {
        Object run() throws IOException;
    }

    private static IOException attempt(IOException failure, Step step) {
        try {
            step.run();
            return failure;
        } catch (IOException e) {
            if (failure == null) {
                return e;
            }
            failure.addSuppressed(e);
            return failure;
        }
    }

    /** Runs a command and returns what it printed; a failure says what the xfs setup needs. */
    private static String run(String... argv) throws IOException {
        ExecResult command = ExecResult.of(argv);
        if (command.exitCode() != 0) {
            throw new IOException(String.join(" ", argv) + " failed with exit code " + command.exitCode() + ": "
                    + command.output() + " (the xfs pool needs root and the Debian packages xfsprogs and mount)");
        }
        return command.output();
    }
}
