package org.vbs.core.replay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import org.infinispan.commons.TimeoutException;
import org.infinispan.partitionhandling.AvailabilityException;
import org.infinispan.remoting.transport.jgroups.SuspectException;
import org.junit.jupiter.api.Test;
import org.vbs.core.api.ErrorCode;
import org.vbs.core.api.VbsException;

class SeenMessagesBeanTest {

    @Test
    void shouldAnswerWhatTheClusterCannotServeNowWithServiceUnavailable() {
        assertEquals(ErrorCode.SERVICE_UNAVAILABLE, code(new AvailabilityException()));
        assertEquals(ErrorCode.SERVICE_UNAVAILABLE, code(new TimeoutException("ISPN000476: Timed out")));
        assertEquals(ErrorCode.SERVICE_UNAVAILABLE, code(new SuspectException("node left")));
    }

    @Test
    void shouldPassAnyOtherFailureOnUnchanged() {
        IllegalStateException other = new IllegalStateException("a bug");

        assertSame(other, SeenMessagesBean.unavailable(other));
    }

    private static ErrorCode code(RuntimeException failure) {
        return ((VbsException) SeenMessagesBean.unavailable(failure)).code();
    }
}
