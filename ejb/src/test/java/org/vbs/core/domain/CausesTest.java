package org.vbs.core.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.transaction.RollbackException;
import org.junit.jupiter.api.Test;

class CausesTest {

    @Test
    void shouldFindAKindAmongTheCausesAndTheirSuppressedExceptions() {
        RollbackException rollback = new RollbackException("could not commit");
        rollback.addSuppressed(new IllegalStateException("what made the commit fail"));
        RuntimeException wrapper = new RuntimeException("step failed", rollback);

        assertTrue(Causes.anyOf(wrapper, IllegalStateException.class::isInstance));
        assertTrue(Causes.anyOf(wrapper, RollbackException.class::isInstance));
        assertFalse(Causes.anyOf(wrapper, UnsupportedOperationException.class::isInstance));
        assertEquals("what made the commit fail", Causes.find(wrapper, IllegalStateException.class).orElseThrow()
                .getMessage());
        assertTrue(Causes.find(wrapper, UnsupportedOperationException.class).isEmpty());
    }

    @Test
    void shouldDescribeWhatFailedACommitThatATransactionManagerReportsAsSuppressed() {
        RollbackException rollback = new RollbackException("ARJUNA016053: Could not commit transaction.");
        rollback.addSuppressed(new IllegalStateException("prepare failed", new UnsupportedOperationException(
                "write skew on owner-index")));
        RuntimeException step = new RuntimeException("commit of 'claim' was rolled back", rollback);

        assertEquals("commit of 'claim' was rolled back <- RollbackException: ARJUNA016053: Could not commit"
                + " transaction. [suppressed: IllegalStateException: prepare failed <- UnsupportedOperationException:"
                + " write skew on owner-index]", Causes.describe(step));
    }

    @Test
    void shouldEndOnAnExceptionThatSuppressesItsOwnCause() {
        IllegalStateException cause = new IllegalStateException("cause");
        RuntimeException failure = new RuntimeException("failure", cause);
        cause.addSuppressed(failure);

        assertFalse(Causes.anyOf(failure, UnsupportedOperationException.class::isInstance));
        assertTrue(Causes.describe(failure).startsWith("failure <- IllegalStateException: cause [suppressed:"),
                Causes.describe(failure));
    }
}
