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

class VolumeStateTest {
    /** The lifecycle as the issue states it, written out independently of the table under test. */
    private static final Map<VolumeState, Set<VolumeState>> EXPECTED = Map.of(
            VolumeState.CREATING, EnumSet.of(VolumeState.AVAILABLE, VolumeState.ERROR),
            VolumeState.AVAILABLE, EnumSet.of(VolumeState.DELETING, VolumeState.ATTACHING, VolumeState.ERROR),
            VolumeState.DELETING, EnumSet.of(VolumeState.DELETED, VolumeState.ERROR),
            VolumeState.DELETED, EnumSet.noneOf(VolumeState.class),
            // An attach goes through, or is rolled back; only a failed roll-back ends in error.
            VolumeState.ATTACHING, EnumSet.of(VolumeState.IN_USE, VolumeState.AVAILABLE, VolumeState.ERROR),
            VolumeState.IN_USE, EnumSet.of(VolumeState.DETACHING, VolumeState.ERROR),
            VolumeState.DETACHING, EnumSet.of(VolumeState.AVAILABLE, VolumeState.IN_USE, VolumeState.ERROR),
            // Force-detaching a volume whose attach or detach failed half-way.
            VolumeState.ERROR, EnumSet.of(VolumeState.DELETING, VolumeState.DETACHING));

    static Stream<Arguments> everyPair() {
        return Stream.of(VolumeState.values())
                .flatMap(from -> Stream.of(VolumeState.values()).map(to -> Arguments.of(from, to)));
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @MethodSource("everyPair")
    void shouldAllowExactlyTheMovesOfTheLifecycle(VolumeState from, VolumeState to) {
        boolean legal = EXPECTED.get(from).contains(to);
        assertEquals(legal, from.canMoveTo(to));
        if (legal) {
            assertDoesNotThrow(() -> from.requireMove("vol-0123456789abcdef0", to, "SomeOperation"));
        } else {
            VbsException e = assertThrows(VbsException.class,
                    () -> from.requireMove("vol-0123456789abcdef0", to, "SomeOperation"));
            assertEquals(ErrorCode.INCORRECT_STATE, e.code());
            assertTrue(e.getMessage().contains("vol-0123456789abcdef0"), e.getMessage());
            assertTrue(e.getMessage().contains("'" + from.wireName() + "'"), e.getMessage());
            assertTrue(e.getMessage().contains("SomeOperation"), e.getMessage());
        }
    }

    @Test
    void shouldNameTheStatesAnOperationNeeds() {
        VbsException e = assertThrows(VbsException.class,
                () -> VolumeState.CREATING.requireMove("vol-0123456789abcdef0", VolumeState.DELETING, "DeleteVolume"));
        assertEquals("DeleteVolume is not possible for volume vol-0123456789abcdef0 in state 'creating':"
                + " it must be 'available' or 'error'.", e.getMessage());
    }

    @Test
    void shouldCheckStatesOfOperationsThatDoNotMoveTheVolume() {
        assertDoesNotThrow(() -> VolumeState.AVAILABLE.requireOneOf("vol-0123456789abcdef0", "CreateSnapshot",
                EnumSet.of(VolumeState.AVAILABLE)));
        VbsException e = assertThrows(VbsException.class, () -> VolumeState.DELETING.requireOneOf(
                "vol-0123456789abcdef0", "CreateSnapshot", EnumSet.of(VolumeState.AVAILABLE)));
        assertEquals(ErrorCode.INCORRECT_STATE, e.code());
        assertEquals("CreateSnapshot is not possible for volume vol-0123456789abcdef0 in state 'deleting':"
                + " it must be 'available'.", e.getMessage());
    }

    @Test
    void shouldFindStatesByTheirWireNames() {
        for (VolumeState state : VolumeState.values()) {
            assertEquals(state, VolumeState.fromWireName(state.wireName()).orElseThrow());
        }
        assertEquals(VolumeState.IN_USE, VolumeState.fromWireName("in-use").orElseThrow());
        assertTrue(VolumeState.fromWireName("in_use").isEmpty());
    }
}
