package org.vbs.it.support;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The file volume pool of a VBS_HOME as the file backend lays it out:
 * {@code pool/volumes/<volume id>.img}, {@code pool/snapshots/<snapshot id>.img}, {@code pool/tmp/}.
 */
public record Pool(Path root) {

    public static Pool of(Path vbsHome) {
        return new Pool(VbsHomes.pool(vbsHome));
    }

    public Path volumeFile(String volumeId) {
        return root.resolve("volumes").resolve(volumeId + ".img");
    }

    public Path snapshotFile(String snapshotId) {
        return root.resolve("snapshots").resolve(snapshotId + ".img");
    }

    public PoolState state() throws IOException {
        return PoolState.of(root);
    }

    /** Waits until the file is gone (deleting may finish after the call that started it returned). */
    public void awaitAbsent(Path file) throws Exception {
        Await.until(file + " to be removed", Caller.PATIENCE,
                () -> Files.exists(file) ? Optional.empty() : Optional.of(file), () -> "still there");
    }
}
