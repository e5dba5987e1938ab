package org.vbs.core.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.function.Executable;
import org.vbs.core.api.ErrorCode;
import org.vbs.core.api.VbsException;

public final class Faults {
    private Faults() {
    }

    /** Asserts that the call fails with this code and a message holding every one of {@code mentions}. */
    public static VbsException assertFault(ErrorCode code, Executable call, String... mentions) {
        VbsException e = assertThrows(VbsException.class, call);
        assertEquals(code, e.code(), e.getMessage());
        for (String mention : mentions) {
            assertTrue(e.getMessage().contains(mention), "'" + mention + "' not in: " + e.getMessage());
        }
        return e;
    }
}
