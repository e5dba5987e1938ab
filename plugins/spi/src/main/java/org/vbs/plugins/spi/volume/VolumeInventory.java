package org.vbs.plugins.spi.volume;

import java.time.Instant;
import java.util.Map;
import org.vbs.plugins.spi.ArgType;

/**
 * What a volume server holds: the ids of the volumes and snapshots whose storage exists there, each
 * with when its storage last changed (so the core leaves alone what was made moments ago, whose
 * metadata may still be committing). Only storage under a real id counts, not a temporary copy.
 *
 * @param volumes last change by volume id
 * @param snapshots last change by snapshot id
 */
public record VolumeInventory(Map<String, Instant> volumes, Map<String, Instant> snapshots) {
    public VolumeInventory {
        volumes = Map.copyOf(volumes);
        snapshots = Map.copyOf(snapshots);
        volumes.keySet().forEach(id -> ArgType.VOLUME_ID.require("volume id", id));
        snapshots.keySet().forEach(id -> ArgType.SNAPSHOT_ID.require("snapshot id", id));
    }
}
