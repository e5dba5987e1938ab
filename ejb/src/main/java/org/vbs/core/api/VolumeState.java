package org.vbs.core.api;

import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Volume states, with EBS's names on the wire, and the one table of legal moves between them.
 *
 * <pre>
 *   (CreateVolume)
 *        |
 *        v
 *    creating ------------------> error <---------------+
 *        |   copy failed, or a       |                  |
 *        |   compensation failed     | DeleteVolume     | driver delete failed
 *        v                           v                  |
 *    available --DeleteVolume--> deleting --------------+
 *     |    ^                         |
 *     |    |                         v
 *     |    |                      deleted   (removed from the caches in the same step)
 *     |    +-- rolled back --+
 *     |                      |
 *     +--AttachVolume--> attaching --exported and attached--> in-use --DetachVolume--> detaching
 *                                                               ^                         |
 *          available <-----detached and unexported--------------|-------------------------+
 *                                                               +------ rolled back ------+
 * </pre>
 *
 * Where undoing an attach or a detach fails too, the volume goes to {@code error} with the reason; an
 * {@code available} or {@code in-use} volume whose storage the reconciler finds gone goes there too.
 *
 * A plain CreateVolume whose driver call fails is not a move: its claim is removed as if it had
 * never been made, and the caller gets the fault.
 */
public enum VolumeState {
    /** Claimed in the metadata; the storage is being made (or copied from a snapshot). */
    CREATING("creating"),
    /** The storage exists and the volume can be used, snapshotted or deleted. */
    AVAILABLE("available"),
    /** The storage is being removed. */
    DELETING("deleting"),
    /** Being exported and attached to an instance. */
    ATTACHING("attaching"),
    /** Attached to an instance (see its attachment). */
    IN_USE("in-use"),
    /** Being detached from its instance and unexported. */
    DETACHING("detaching"),
    /** The storage is gone; the entry leaves the caches in the same step. */
    DELETED("deleted"),
    /** Something failed that could not be undone; {@code stateReason} says what. Only DeleteVolume helps. */
    ERROR("error");

    private static final Map<VolumeState, Set<VolumeState>> MOVES = new EnumMap<>(VolumeState.class);

    static {
        MOVES.put(CREATING, EnumSet.of(AVAILABLE, ERROR));
        // Its storage found gone (by the storage reconciler).
        MOVES.put(AVAILABLE, EnumSet.of(DELETING, ATTACHING, ERROR));
        MOVES.put(ATTACHING, EnumSet.of(IN_USE, AVAILABLE, ERROR));
        MOVES.put(IN_USE, EnumSet.of(DETACHING, ERROR));
        MOVES.put(DETACHING, EnumSet.of(AVAILABLE, IN_USE, ERROR));
        MOVES.put(DELETING, EnumSet.of(DELETED, ERROR));
        MOVES.put(DELETED, EnumSet.noneOf(VolumeState.class));
        // A failed attach or detach leaves its attachment: DetachVolume with force cleans it up.
        MOVES.put(ERROR, EnumSet.of(DELETING, DETACHING));
    }

    private final String wireName;

    VolumeState(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }

    /** The state with this wire name, if there is one. */
    public static Optional<VolumeState> fromWireName(String name) {
        return Stream.of(values()).filter(s -> s.wireName.equals(name)).findFirst();
    }

    /** Whether the table allows moving from this state to {@code next}. */
    public boolean canMoveTo(VolumeState next) {
        return MOVES.get(this).contains(next);
    }

    /**
     * Checks a move against the table.
     *
     * @throws VbsException {@link ErrorCode#INCORRECT_STATE} naming the volume, its state and the operation
     */
    public void requireMove(String volumeId, VolumeState next, String operation) {
        if (!canMoveTo(next)) {
            throw incorrectState(volumeId, operation,
                    Stream.of(values()).filter(s -> s.canMoveTo(next)).toList());
        }
    }

    /**
     * Checks that an operation that does not move the volume finds it in one of {@code allowed}.
     *
     * @throws VbsException {@link ErrorCode#INCORRECT_STATE} naming the volume, its state and the operation
     */
    public void requireOneOf(String volumeId, String operation, Set<VolumeState> allowed) {
        if (!allowed.contains(this)) {
            throw incorrectState(volumeId, operation, List.copyOf(EnumSet.copyOf(allowed)));
        }
    }

    private VbsException incorrectState(String volumeId, String operation, List<VolumeState> required) {
        return StateFaults.incorrectState("volume", volumeId, wireName, operation,
                required.stream().map(VolumeState::wireName).toList());
    }
}
