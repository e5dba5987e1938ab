package org.vbs.ws;

import org.apache.cxf.interceptor.Fault;
import org.apache.cxf.message.Message;
import org.apache.cxf.phase.AbstractPhaseInterceptor;
import org.apache.cxf.phase.Phase;
import org.apache.cxf.ws.policy.PolicyException;
import org.apache.wss4j.common.ext.WSSecurityException;
import org.vbs.core.api.ErrorCode;
import org.vbs.ws.generated.VbsFault;

/**
 * Gives a fault the caller caused the SOAP faultcode Client. CXF answers its own refusals of a
 * message it cannot read (malformed XML, a DTD, a limit passed, an unknown element) as Client, but
 * everything thrown past that as Server; these are the caller's too:
 * <ul>
 * <li>a refusal by the service whose code is a client error ({@link ErrorCode#side()}); the EC2
 * detail (Errors/Error/Code) stays as it is;</li>
 * <li>a message WS-Security refused (bad, missing or untrusted signature, stale timestamp): WSS4J
 * answers those with its own code {@code wss4j:SecurityError}, which names no side;</li>
 * <li>a message that does not satisfy the signing policy (e.g. unsigned).</li>
 * </ul>
 * Anything else (InternalError, ServiceUnavailable, a failure inside CXF) keeps its Server code.
 */
public final class FaultCodeInterceptor extends AbstractPhaseInterceptor<Message> {

    public FaultCodeInterceptor() {
        super(Phase.SETUP);
    }

    @Override
    public void handleMessage(Message message) {
        // The out-fault chain always carries a Fault (CXF wraps anything else in one).
        if (message.getContent(Exception.class) instanceof Fault fault && causedByCaller(fault)) {
            fault.setFaultCode(Fault.FAULT_CODE_CLIENT);
        }
    }

    static boolean causedByCaller(Fault fault) {
        for (Throwable cause = fault; cause != null; cause = cause.getCause()) {
            if (cause instanceof VbsFault refusal) {
                return FaultMapper.side(refusal) == ErrorCode.Side.CLIENT;
            }
            if (cause instanceof WSSecurityException || cause instanceof PolicyException) {
                return true;
            }
        }
        return false;
    }
}
