package org.vbs.ws;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.vbs.core.api.ErrorCode;
import org.vbs.core.api.VbsException;
import org.vbs.ws.generated.ErrorType;
import org.vbs.ws.generated.VbsFault;

class FaultMapperTest {

    private static final String REQUEST_ID = "5f0c2a8e-0000-4000-8000-000000000002";

    private final FaultMapper mapper = new FaultMapper();

    @ParameterizedTest
    @EnumSource(ErrorCode.class)
    void shouldCarryEveryServiceCodeItsMessageAndTheRequestId(ErrorCode code) {
        VbsFault fault = mapper.fault(REQUEST_ID, new VbsException(code, "what went wrong for " + code));

        ErrorType error = onlyError(fault);
        assertEquals(code.code(), error.getCode());
        assertEquals("what went wrong for " + code, error.getMessage());
        assertEquals(REQUEST_ID, fault.getFaultInfo().getRequestID());
        assertEquals(code.code() + ": what went wrong for " + code, fault.getMessage());
    }

    @Test
    void shouldUseTheWireSpellingOfCodes() {
        VbsFault fault = mapper.fault(REQUEST_ID,
                new VbsException(ErrorCode.INVALID_VOLUME_NOT_FOUND, "The volume 'vol-1' does not exist."));

        assertEquals("InvalidVolume.NotFound", onlyError(fault).getCode());
    }

    @Test
    void shouldNeverPassOnTheCauseOfARefusal() {
        IllegalStateException cause = new IllegalStateException("keystore password is s3cret");
        VbsFault fault = mapper.fault(REQUEST_ID,
                new VbsException(ErrorCode.SERVICE_UNAVAILABLE, "The volume pool is not reachable.", cause));

        assertNull(fault.getCause());
        assertFalse(onlyError(fault).getMessage().contains("s3cret"));
        assertFalse(fault.getMessage().contains("s3cret"));
    }

    @Test
    void shouldFallBackToTheCodeWhenARefusalHasNoMessage() {
        VbsFault fault = mapper.fault(REQUEST_ID, new VbsException(ErrorCode.INCORRECT_STATE, null));

        assertEquals("IncorrectState", onlyError(fault).getMessage());
    }

    @Test
    void shouldAnswerAnInternalErrorWithAGenericMessageNamingTheRequestId() {
        VbsFault fault = mapper.internalError(REQUEST_ID);

        ErrorType error = onlyError(fault);
        assertEquals("InternalError", error.getCode());
        assertTrue(error.getMessage().contains(REQUEST_ID), error.getMessage());
        assertEquals(REQUEST_ID, fault.getFaultInfo().getRequestID());
        assertNull(fault.getCause());
    }

    private static ErrorType onlyError(VbsFault fault) {
        assertEquals(1, fault.getFaultInfo().getErrors().getError().size());
        return fault.getFaultInfo().getErrors().getError().get(0);
    }
}
