package org.vbs.core.api;

import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Snapshot states, with EBS's names on the wire, and the one table of legal moves between them.
 *
 * <pre>
 *   (CreateSnapshot)
 *        |
 *        v
 *     pending --copy done--> completed --DeleteSnapshot--> deleting --storage removed--> (gone)
 *        |                                                    ^  |
 *        | copy failed                     DeleteSnapshot     |  | the storage could not be removed
 *        v                                                    |  v
 *      error ------------------------------------------------+  error
 * </pre>
 *
 * {@code deleting} is internal: the snapshot is already gone for its owner (not described, not
 * usable), while the storage is removed.
 */
public enum SnapshotState {
    /** The copy is running; {@code progress} says how far it is. */
    PENDING("pending"),
    /** The copy is done; volumes can be made from it. */
    COMPLETED("completed"),
    /** The copy (or the removal of the storage) failed; {@code stateReason} says why. */
    ERROR("error"),
    /** Its storage is being removed; invisible to its owner. */
    DELETING("deleting");

    private static final Map<SnapshotState, Set<SnapshotState>> MOVES = new EnumMap<>(SnapshotState.class);

    static {
        MOVES.put(PENDING, EnumSet.of(COMPLETED, ERROR));
        MOVES.put(COMPLETED, EnumSet.of(ERROR, DELETING));
        MOVES.put(ERROR, EnumSet.of(DELETING));
        MOVES.put(DELETING, EnumSet.of(ERROR));
    }

    private final String wireName;

    SnapshotState(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }

    /** The state with this wire name, if there is one. */
    public static Optional<SnapshotState> fromWireName(String name) {
        return Stream.of(values()).filter(s -> s.wireName.equals(name)).findFirst();
    }

    /** Whether the table allows moving from this state to {@code next}. */
    public boolean canMoveTo(SnapshotState next) {
        return MOVES.get(this).contains(next);
    }

    /**
     * Checks a move against the table.
     *
     * @throws VbsException {@link ErrorCode#INCORRECT_STATE} naming the snapshot, its state and the operation
     */
    public void requireMove(String snapshotId, SnapshotState next, String operation) {
        if (!canMoveTo(next)) {
            throw incorrectState(snapshotId, operation,
                    Stream.of(values()).filter(s -> s.canMoveTo(next)).toList());
        }
    }

    /**
     * Checks that an operation that does not move the snapshot finds it in one of {@code allowed}.
     *
     * @throws VbsException {@link ErrorCode#INCORRECT_STATE} naming the snapshot, its state and the operation
     */
    public void requireOneOf(String snapshotId, String operation, Set<SnapshotState> allowed) {
        if (!allowed.contains(this)) {
            throw incorrectState(snapshotId, operation, List.copyOf(EnumSet.copyOf(allowed)));
        }
    }

    private VbsException incorrectState(String snapshotId, String operation, List<SnapshotState> required) {
        return StateFaults.incorrectState("snapshot", snapshotId, wireName, operation,
                required.stream().map(SnapshotState::wireName).toList());
    }
}
