package org.vbs.security;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;

/**
 * A file to create, never to overwrite: its content and whether it is secret (mode 0600, for
 * keys and passwords) or public (0644, for certificates). {@link #writeAll} creates a set of them
 * all or none.
 */
public record NewFile(Path path, byte[] content, boolean secret) {
    private static final Set<PosixFilePermission> SECRET_FILE = PosixFilePermissions.fromString("rw-------");
    private static final Set<PosixFilePermission> PUBLIC_FILE = PosixFilePermissions.fromString("rw-r--r--");
    /** Directories made here may hold keys: only the owner enters them. */
    private static final Set<PosixFilePermission> DIRECTORY = PosixFilePermissions.fromString("rwx------");

    public NewFile {
        Objects.requireNonNull(path, "path");
        content = content.clone();
    }

    public static NewFile secret(Path path, byte[] content) {
        return new NewFile(path, content, true);
    }

    public static NewFile readable(Path path, byte[] content) {
        return new NewFile(path, content, false);
    }

    @Override
    public byte[] content() {
        return content.clone();
    }

    /**
     * Creates every file (and missing parent directories, mode 0700), or none: if one already
     * exists or cannot be written, whatever this call created is removed again and the cause is
     * thrown.
     *
     * @return the files created, in order
     * @throws SecurityConfigException naming the file that could not be created
     */
    public static List<Path> writeAll(List<NewFile> files) {
        List<Path> created = new ArrayList<>();
        try {
            for (NewFile file : files) {
                createMissingDirectories(file.path().toAbsolutePath().getParent(), created);
                file.create();
                created.add(file.path());
            }
        } catch (SecurityConfigException e) {
            removeAgain(created, e);
            throw e;
        }
        return files.stream().map(NewFile::path).toList();
    }

    /**
     * Puts this file in place of whatever is at its path (as grid-proxy-init replaces a proxy file),
     * atomically: it is written under a new temporary name in the same directory, with this file's
     * mode, then renamed over the target, so readers see the old file or the new one, never a part.
     * The directory must exist. On failure the target is as it was and the temporary file is gone.
     *
     * @throws SecurityConfigException naming the file that could not be written or renamed
     */
    public void replace() {
        Path target = path.toAbsolutePath();
        Path temporary = target.resolveSibling("." + target.getFileName() + "." + UUID.randomUUID() + ".tmp");
        new NewFile(temporary, content, secret).create();
        try {
            Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            SecurityConfigException failure = new SecurityConfigException(target, "cannot replace: " + e, e);
            removeAgain(List.of(temporary), failure);
            throw failure;
        }
    }

    private void create() {
        FileChannel channel;
        try {
            channel = FileChannel.open(path, Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE),
                    permissions(path, secret ? SECRET_FILE : PUBLIC_FILE));
        } catch (FileAlreadyExistsException e) {
            throw new SecurityConfigException(path, "already exists; refusing to overwrite it", e);
        } catch (IOException e) {
            throw new SecurityConfigException(path, "cannot create: " + e, e);
        }
        try (channel) {
            ByteBuffer buffer = ByteBuffer.wrap(content);
            while (buffer.hasRemaining()) {
                channel.write(buffer);
            }
            channel.force(true);
        } catch (IOException e) {
            SecurityConfigException failure = new SecurityConfigException(path, "cannot write: " + e, e);
            removeAgain(List.of(path), failure);
            throw failure;
        }
    }

    private static void createMissingDirectories(Path dir, List<Path> created) {
        if (dir == null || Files.isDirectory(dir)) {
            return;
        }
        createMissingDirectories(dir.getParent(), created);
        try {
            Files.createDirectory(dir, permissions(dir, DIRECTORY));
        } catch (IOException e) {
            throw new SecurityConfigException(dir, "cannot create directory: " + e, e);
        }
        created.add(dir);
    }

    /** POSIX modes where the file system has them (the umask may only narrow them further). */
    private static FileAttribute<?>[] permissions(Path path, Set<PosixFilePermission> mode) {
        boolean posix = path.toAbsolutePath().getFileSystem().supportedFileAttributeViews().contains("posix");
        return posix ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(mode)} : new FileAttribute<?>[0];
    }

    /** Deletes in reverse order (files before their directories); failures join the cause. */
    private static void removeAgain(List<Path> created, Exception cause) {
        List<Path> reversed = new ArrayList<>(created);
        Collections.reverse(reversed);
        for (Path path : reversed) {
            try {
                Files.deleteIfExists(path);
            } catch (IOException e) {
                cause.addSuppressed(e);
            }
        }
    }
}
