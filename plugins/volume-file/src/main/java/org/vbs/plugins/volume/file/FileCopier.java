package org.vbs.plugins.volume.file;

import java.io.IOException;
import java.nio.file.Path;

import org.vbs.plugins.spi.volume.Capability;
import org.vbs.plugins.spi.volume.ProgressListener;

/** How a pool copies a volume's or snapshot's file: by sharing blocks, or byte by byte. */
interface FileCopier {

    /** {@link Capability#COPY_ON_WRITE_SNAPSHOTS} or {@link Capability#FULL_COPY_SNAPSHOTS}. */
    Capability snapshotKind();

    /** The free space a copy of this file needs in the pool. */
    long spaceNeeded(Path source) throws IOException;

    /**
     * Copies {@code source} onto {@code target}, an existing empty file, reporting progress up to 100.
     * On failure the target may hold a partial copy: the caller removes it.
     */
    void copy(Path source, Path target, ProgressListener progress) throws IOException;
}
