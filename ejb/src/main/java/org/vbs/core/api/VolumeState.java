package org.vbs.core.api;

/** Volume states, with EBS's names on the wire. Which moves are legal lives in one transition table. */
public enum VolumeState {
    CREATING("creating"),
    AVAILABLE("available"),
    DELETING("deleting"),
    DELETED("deleted"),
    ERROR("error");

    private final String wireName;

    VolumeState(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }
}
