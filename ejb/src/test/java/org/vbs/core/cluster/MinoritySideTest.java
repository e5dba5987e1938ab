package org.vbs.core.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.ejb.EJBException;
import jakarta.transaction.RollbackException;
import org.infinispan.partitionhandling.AvailabilityException;
import org.junit.jupiter.api.Test;
import org.vbs.core.api.ErrorCode;
import org.vbs.core.api.VbsException;

class MinoritySideTest {

    @Test
    void shouldFindTheCachesRefusalUnderTheTransactionAndTheContainer() {
        RollbackException commit = new RollbackException("rolled back");
        commit.initCause(new AvailabilityException());

        assertTrue(MinoritySide.causedBy(new AvailabilityException()));
        assertTrue(MinoritySide.causedBy(new EJBException(commit)));
        assertFalse(MinoritySide.causedBy(new RollbackException("write skew")));
        assertFalse(MinoritySide.causedBy(new IllegalStateException("something else")));
    }

    @Test
    void shouldRefuseWithARetriableServiceUnavailableThatSaysWhyAndWhatToDo() {
        AvailabilityException cause = new AvailabilityException();

        VbsException refusal = MinoritySide.refusal(cause);

        assertEquals(ErrorCode.SERVICE_UNAVAILABLE, refusal.code());
        assertEquals(ErrorCode.Side.SERVER, refusal.code().side());
        assertTrue(refusal.getMessage().contains("cannot reach a majority of the cluster"), refusal.getMessage());
        assertTrue(refusal.getMessage().contains("nothing was changed"), refusal.getMessage());
        assertTrue(refusal.getMessage().contains("Retry later, or call another node"), refusal.getMessage());
        assertSame(cause, refusal.getCause());
    }
}
