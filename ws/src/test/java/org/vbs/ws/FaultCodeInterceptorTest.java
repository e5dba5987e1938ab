package org.vbs.ws;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.apache.cxf.common.i18n.Message;
import org.apache.cxf.interceptor.Fault;
import org.apache.cxf.message.MessageImpl;
import org.apache.cxf.ws.policy.PolicyException;
import org.apache.wss4j.common.ext.WSSecurityException;
import java.util.ResourceBundle;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.vbs.core.api.ErrorCode;
import org.vbs.core.api.VbsException;

class FaultCodeInterceptorTest {

    private static final String REQUEST_ID = "5f0c2a8e-0000-4000-8000-000000000003";

    private final FaultMapper faults = new FaultMapper();

    @ParameterizedTest
    @EnumSource(ErrorCode.class)
    void shouldAnswerAServiceRefusalAsClientOrServerByItsCode(ErrorCode code) {
        Fault fault = new Fault(faults.fault(REQUEST_ID, new VbsException(code, "refused")));

        answer(fault);

        assertEquals(code.side() == ErrorCode.Side.CLIENT ? Fault.FAULT_CODE_CLIENT : Fault.FAULT_CODE_SERVER,
                fault.getFaultCode());
    }

    @Test
    void shouldAnswerTheCallersMistakesAsClientAndTheServicesFailuresAsServer() {
        assertEquals(ErrorCode.Side.CLIENT, ErrorCode.INVALID_PARAMETER_VALUE.side());
        assertEquals(ErrorCode.Side.CLIENT, ErrorCode.INVALID_VOLUME_NOT_FOUND.side());
        assertEquals(ErrorCode.Side.CLIENT, ErrorCode.UNAUTHORIZED_OPERATION.side());
        assertEquals(ErrorCode.Side.SERVER, ErrorCode.INTERNAL_ERROR.side());
        assertEquals(ErrorCode.Side.SERVER, ErrorCode.SERVICE_UNAVAILABLE.side());
    }

    @Test
    void shouldAnswerAnInternalErrorAsServer() {
        Fault fault = new Fault(faults.internalError(REQUEST_ID));

        answer(fault);

        assertEquals(Fault.FAULT_CODE_SERVER, fault.getFaultCode());
    }

    @Test
    void shouldAnswerAMessageWsSecurityRefusedAsClient() {
        Fault fault = new Fault(new WSSecurityException(WSSecurityException.ErrorCode.FAILED_CHECK));

        answer(fault);

        assertEquals(Fault.FAULT_CODE_CLIENT, fault.getFaultCode());
    }

    @Test
    void shouldAnswerAMessageThePolicyRefusedAsClient() {
        Fault fault = new Fault(new PolicyException(new Message("These policy alternatives can not be satisfied",
                (ResourceBundle) null)));

        answer(fault);

        assertEquals(Fault.FAULT_CODE_CLIENT, fault.getFaultCode());
    }

    @Test
    void shouldLeaveAnyOtherFailureAsServer() {
        Fault fault = new Fault(new IllegalStateException("a bug"));

        answer(fault);

        assertEquals(Fault.FAULT_CODE_SERVER, fault.getFaultCode());
    }

    private static void answer(Fault fault) {
        MessageImpl message = new MessageImpl();
        message.setContent(Exception.class, fault);
        new FaultCodeInterceptor().handleMessage(message);
    }
}
