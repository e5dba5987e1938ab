package org.vbs.core.api;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class SnapshotStateTest {
    private static final Map<SnapshotState, Set<SnapshotState>> EXPECTED = Map.of(
            SnapshotState.PENDING, EnumSet.of(SnapshotState.COMPLETED, SnapshotState.ERROR),
            SnapshotState.COMPLETED, EnumSet.of(SnapshotState.ERROR, SnapshotState.DELETING),
            SnapshotState.ERROR, EnumSet.of(SnapshotState.DELETING),
            // Only when DeleteSnapshot could not remove the storage.
            SnapshotState.DELETING, EnumSet.of(SnapshotState.ERROR));

    static Stream<Arguments> everyPair() {
        return Stream.of(SnapshotState.values())
                .flatMap(from -> Stream.of(SnapshotState.values()).map(to -> Arguments.of(from, to)));
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @MethodSource("everyPair")
    void shouldAllowExactlyTheMovesOfTheLifecycle(SnapshotState from, SnapshotState to) {
        boolean legal = EXPECTED.get(from).contains(to);
        assertEquals(legal, from.canMoveTo(to));
        if (legal) {
            assertDoesNotThrow(() -> from.requireMove("snap-0123456789abcdef0", to, "SomeOperation"));
        } else {
            VbsException e = assertThrows(VbsException.class,
                    () -> from.requireMove("snap-0123456789abcdef0", to, "SomeOperation"));
            assertEquals(ErrorCode.INCORRECT_STATE, e.code());
            assertTrue(e.getMessage().contains("snapshot snap-0123456789abcdef0"), e.getMessage());
            assertTrue(e.getMessage().contains("'" + from.wireName() + "'"), e.getMessage());
            assertTrue(e.getMessage().contains("SomeOperation"), e.getMessage());
        }
    }

    @Test
    void shouldRefuseDeletingAPendingSnapshotWithTheStatesItNeeds() {
        VbsException e = assertThrows(VbsException.class, () -> SnapshotState.PENDING.requireOneOf(
                "snap-0123456789abcdef0", "DeleteSnapshot", EnumSet.of(SnapshotState.COMPLETED, SnapshotState.ERROR)));
        assertEquals("DeleteSnapshot is not possible for snapshot snap-0123456789abcdef0 in state 'pending':"
                + " it must be 'completed' or 'error'.", e.getMessage());
    }

    @Test
    void shouldFindStatesByTheirWireNames() {
        for (SnapshotState state : SnapshotState.values()) {
            assertEquals(state, SnapshotState.fromWireName(state.wireName()).orElseThrow());
        }
        assertTrue(SnapshotState.fromWireName("recoverable").isEmpty());
    }
}
