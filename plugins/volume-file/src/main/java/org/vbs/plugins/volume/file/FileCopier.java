package org.vbs.plugins.volume.file;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import org.vbs.plugins.spi.ArgType;
import org.vbs.plugins.spi.Command;
import org.vbs.plugins.spi.CommandTemplate;
import org.vbs.plugins.spi.CommandTemplates;
import org.vbs.plugins.spi.DriverException;
import org.vbs.plugins.spi.HostShell;
import org.vbs.plugins.spi.volume.Capability;

/**
 * Copies a volume's or snapshot's file with {@code cp}: by reflink where the pool's file system shares
 * blocks, otherwise as a sparse copy that moves only the data extents (an empty 10 GiB volume copies
 * in milliseconds, not by reading 10 GiB of holes). Java reaches neither FICLONE nor SEEK_DATA, hence
 * {@code cp}; the kernel flushes the source's dirty pages before cloning or reading it.
 */
final class FileCopier {
    /** The placeholders of the file driver's templates. */
    static final Map<String, ArgType> PLACEHOLDERS = Map.of("source", ArgType.PATH, "target", ArgType.PATH,
            "path", ArgType.PATH);
    /** A sparse copy of a large, mostly written volume takes a while: bounded, but generously. */
    private static final Duration COPY_TIMEOUT = Duration.ofHours(6);

    private final HostShell shell;
    private final CommandTemplate copy;
    private final CommandTemplate allocated;
    private final boolean reflinks;

    private FileCopier(HostShell shell, CommandTemplates templates, boolean reflinks) {
        this.shell = shell;
        this.copy = templates.get(reflinks ? "reflinkCopyCmd" : "sparseCopyCmd");
        this.allocated = templates.get("allocatedBytesCmd");
        this.reflinks = reflinks;
    }

    /** Probes {@code workDir} with a real reflink of a small file, as a copy would do it. */
    static FileCopier probe(HostShell shell, CommandTemplates templates, Path workDir) throws DriverException {
        boolean reflinks = ReflinkProbe.worksIn(shell, templates.get("reflinkCopyCmd"), workDir);
        return new FileCopier(shell, templates, reflinks);
    }

    /** A copier making full (sparse) copies even where reflinks work: lets tests exercise them anywhere. */
    static FileCopier fullCopies(HostShell shell, CommandTemplates templates) {
        return new FileCopier(shell, templates, false);
    }

    Capability snapshotKind() {
        return reflinks ? Capability.COPY_ON_WRITE_SNAPSHOTS : Capability.FULL_COPY_SNAPSHOTS;
    }

    /** The free space a copy of this file needs in the pool: nothing for a reflink, its data extents otherwise. */
    long spaceNeeded(Path source) throws DriverException {
        if (reflinks) {
            return 0;
        }
        Command du = allocated.command(Map.of("path", source.toString()));
        String out = shell.run(du).requireSuccess(shell.host(), du).stdout().strip();
        String bytes = out.split("\\s+", 2)[0];
        if (!ArgType.NUMBER.accepts(bytes)) {
            throw new DriverException(DriverException.Code.IO_ERROR, "on host " + shell.host() + ", '" + du
                    + "' printed no size: " + out);
        }
        return Long.parseLong(bytes);
    }

    /** Copies {@code source} onto {@code target}; on failure the target may hold a partial copy: the caller removes it. */
    void copy(Path source, Path target) throws DriverException {
        Command cp = copy.command(Map.of("source", source.toString(), "target", target.toString()))
                .withTimeout(COPY_TIMEOUT);
        shell.run(cp).requireSuccess(shell.host(), cp);
    }
}
