package org.vbs.core.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.ejb.EJBException;
import org.infinispan.commons.TimeoutException;
import org.infinispan.partitionhandling.AvailabilityException;
import org.infinispan.remoting.transport.jgroups.SuspectException;
import org.infinispan.statetransfer.OutdatedTopologyException;
import org.junit.jupiter.api.Test;
import org.vbs.core.api.ErrorCode;
import org.vbs.core.api.VbsException;

class ViewChangeTest {

    @Test
    void shouldFindAWriteThatAChangeOfMembersInterruptedUnderTheContainer() {
        assertTrue(ViewChange.causedBy(new TimeoutException("ISPN000476: Timed out waiting for responses")));
        assertTrue(ViewChange.causedBy(new EJBException(new SuspectException("node left"))));
        assertTrue(ViewChange.causedBy(OutdatedTopologyException.RETRY_NEXT_TOPOLOGY));
        assertFalse(ViewChange.causedBy(new AvailabilityException()));
        assertFalse(ViewChange.causedBy(new java.util.concurrent.TimeoutException("a host call")));
        assertFalse(ViewChange.causedBy(new IllegalStateException("something else")));
    }

    @Test
    void shouldRefuseWithARetriableServiceUnavailableThatSaysWhyAndWhatToDo() {
        TimeoutException cause = new TimeoutException("timed out");

        VbsException refusal = ViewChange.refusal(cause);

        assertEquals(ErrorCode.SERVICE_UNAVAILABLE, refusal.code());
        assertEquals(ErrorCode.Side.SERVER, refusal.code().side());
        assertTrue(refusal.getMessage().contains("changing its members"), refusal.getMessage());
        assertTrue(refusal.getMessage().contains("nothing was changed"), refusal.getMessage());
        assertTrue(refusal.getMessage().contains("Retry, on this or another node"), refusal.getMessage());
        assertSame(cause, refusal.getCause());
    }
}
