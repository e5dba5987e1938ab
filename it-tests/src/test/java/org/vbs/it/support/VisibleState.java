package org.vbs.it.support;

import java.io.IOException;
import java.util.Set;
import org.vbs.it.client.VbsFault;

/**
 * What a refused call must leave as it was: the volumes and snapshots a caller sees, and every file
 * of the pool. Taken before and after the call and compared whole.
 */
public record VisibleState(Set<String> volumeIds, Set<String> snapshotIds, PoolState pool) {
    public VisibleState {
        volumeIds = Set.copyOf(volumeIds);
        snapshotIds = Set.copyOf(snapshotIds);
    }

    public static VisibleState of(Caller caller, Pool pool) throws VbsFault, IOException {
        return new VisibleState(caller.volumeIds(), caller.snapshotIds(), pool.state());
    }
}
