package org.vbs.ws;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.cxf.message.Message;
import org.apache.cxf.phase.AbstractPhaseInterceptor;
import org.apache.cxf.phase.Phase;

/**
 * Writes the audit line of a call that never reached the endpoint: refused by WS-Security (no or a
 * bad signature, an untrusted or revoked certificate, a stale or replayed timestamp) or by the SOAP
 * stack. Calls the endpoint ran have their line already ({@link #AUDITED} on the request).
 */
public final class AuditFaultInterceptor extends AbstractPhaseInterceptor<Message> {
    /** Set on the request message by the endpoint once it has written the call's line. */
    static final String AUDITED = "org.vbs.audit.written";

    public AuditFaultInterceptor() {
        super(Phase.PREPARE_SEND);
    }

    @Override
    public void handleMessage(Message fault) {
        Message request = fault.getExchange().getInMessage();
        if (request == null || Boolean.TRUE.equals(request.get(AUDITED))) {
            return;
        }
        Exception cause = fault.getContent(Exception.class);
        String reason = cause == null ? "refused by the SOAP stack" : firstLine(cause.getMessage());
        AuditLog.write(new AuditLog.Entry(Instant.now(), Optional.empty(), Optional.empty(), List.of(), "-",
                operation(request), Optional.empty(), AuditLog.Outcome.REFUSED, Optional.of(reason), Optional.empty()));
    }

    /** The SOAPAction the client named (VBS's actions are the operation names), or "-". */
    private static String operation(Message request) {
        if (request.get(Message.PROTOCOL_HEADERS) instanceof Map<?, ?> headers) {
            for (Map.Entry<?, ?> header : headers.entrySet()) {
                if ("SOAPAction".equalsIgnoreCase(String.valueOf(header.getKey()))
                        && header.getValue() instanceof List<?> values && !values.isEmpty()) {
                    String action = String.valueOf(values.get(0)).replace("\"", "").strip();
                    return action.isEmpty() ? "-" : action;
                }
            }
        }
        return "-";
    }

    private static String firstLine(String message) {
        return message == null ? "refused" : message.lines().findFirst().orElse("refused");
    }
}
