package org.vbs.core.service;

import java.util.List;
import java.util.Optional;
import org.vbs.core.api.SnapshotState;
import org.vbs.core.domain.ResourceKind;
import org.vbs.core.domain.SnapshotRecord;
import org.vbs.core.domain.VolumeRecord;
import org.vbs.core.store.MetadataStore;

/**
 * Looks resources up on behalf of an owner. Another owner's resource is answered exactly like one
 * that does not exist, so a caller never learns which ids other DNs have.
 */
final class OwnedResources {
    private final MetadataStore store;

    OwnedResources(MetadataStore store) {
        this.store = store;
    }

    Optional<VolumeRecord> volume(String owner, String id) {
        return store.volume(id).filter(v -> v.isOwnedBy(owner));
    }

    /** Any owner's volume: only for what an administrator may see of everyone's (Describe*). */
    Optional<VolumeRecord> anyVolume(String id) {
        return store.volume(id);
    }

    /** Any owner's snapshot, unless being deleted: only for an administrator's Describe*. */
    Optional<SnapshotRecord> anySnapshot(String id) {
        return store.snapshot(id).filter(s -> s.state() != SnapshotState.DELETING);
    }

    Optional<SnapshotRecord> snapshot(String owner, String id) {
        // A snapshot being deleted is already gone for its owner.
        return store.snapshot(id).filter(s -> s.isOwnedBy(owner) && s.state() != SnapshotState.DELETING);
    }

    /** @throws org.vbs.core.api.VbsException InvalidVolume.NotFound (also for another owner's volume) */
    VolumeRecord requireVolume(String owner, String id) {
        return volume(owner, id).orElseThrow(() -> ResourceKind.VOLUME.notFound(List.of(id)));
    }

    /** @throws org.vbs.core.api.VbsException InvalidSnapshot.NotFound (also for another owner's snapshot) */
    SnapshotRecord requireSnapshot(String owner, String id) {
        return snapshot(owner, id).orElseThrow(() -> ResourceKind.SNAPSHOT.notFound(List.of(id)));
    }
}
