package org.vbs.core.api;

/** Snapshot states, with EBS's names on the wire. */
public enum SnapshotState {
    PENDING("pending"),
    COMPLETED("completed"),
    ERROR("error");

    private final String wireName;

    SnapshotState(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }
}
