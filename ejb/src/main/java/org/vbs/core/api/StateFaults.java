package org.vbs.core.api;

import java.util.Collection;
import java.util.stream.Collectors;

/** Builds the one wording of an IncorrectState fault, so every refusal names the same three things. */
final class StateFaults {
    private StateFaults() {
    }

    /**
     * @param resource "volume" or "snapshot"
     * @param id the resource's id
     * @param state its current state (wire name)
     * @param operation what was asked, e.g. {@code DeleteVolume}
     * @param required the states in which the operation is possible (wire names); may be empty
     */
    static VbsException incorrectState(String resource, String id, String state, String operation,
                                       Collection<String> required) {
        String need = required.isEmpty()
                ? "no state allows it"
                : "it must be " + required.stream().map(s -> "'" + s + "'").collect(Collectors.joining(" or "));
        return new VbsException(ErrorCode.INCORRECT_STATE,
                operation + " is not possible for " + resource + " " + id + " in state '" + state + "': " + need + ".");
    }
}
