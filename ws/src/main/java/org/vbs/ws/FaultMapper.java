package org.vbs.ws;

import jakarta.xml.bind.JAXBContext;
import jakarta.xml.bind.JAXBException;
import java.util.Objects;
import org.apache.cxf.interceptor.Fault;
import org.vbs.core.api.ErrorCode;
import org.vbs.core.api.VbsException;
import org.vbs.ws.generated.ErrorResponseType;
import org.vbs.ws.generated.ErrorSetType;
import org.vbs.ws.generated.ErrorType;
import org.vbs.ws.generated.ObjectFactory;
import org.vbs.ws.generated.VbsFault;

/**
 * Service errors to the WSDL fault, EC2 style: {@code <ErrorResponse><Errors><Error><Code/><Message/>
 * </Error></Errors><RequestID/></ErrorResponse>}. The fault never carries a cause: what a client
 * sees is the code, the message and the request id, never an exception's internals.
 */
final class FaultMapper {

    /** A refusal by the service: its code and its message, which were written for the caller. */
    VbsFault fault(String requestId, VbsException refusal) {
        String message = Objects.requireNonNullElse(refusal.getMessage(), refusal.code().code());
        return fault(requestId, refusal.code(), message);
    }

    /**
     * Anything else: the details stay in the server's log under the request id, the caller gets the
     * id to quote.
     */
    VbsFault internalError(String requestId) {
        return fault(requestId, ErrorCode.INTERNAL_ERROR, "The service could not complete the request."
                + " Retry later; if it keeps failing, give the operator the request id " + requestId + ".");
    }

    /**
     * The same refusal for an interceptor that runs before the call has an operation (so CXF cannot
     * write a WSDL fault's detail yet): a SOAP fault whose detail is the ErrorResponse itself, which a
     * client reads as it reads the endpoint's faults. soap:Server unless {@link FaultCodeInterceptor}
     * finds the code a client error; the cause is left out, as for every fault.
     */
    Fault soapFault(String requestId, VbsException refusal) {
        VbsFault fault = fault(requestId, refusal);
        Fault soap = new Fault(new VbsException(refusal.code(), refusal.getMessage()));
        soap.setMessage(fault.getMessage());
        try {
            Details.CONTEXT.createMarshaller().marshal(new ObjectFactory().createErrorResponse(fault.getFaultInfo()),
                    soap.getOrCreateDetail());
        } catch (JAXBException e) {
            throw new IllegalStateException("cannot write the ErrorResponse of a fault", e);
        }
        return soap;
    }

    /** JAXB's context for fault details, made on first use (it is costly) and thread-safe. */
    private static final class Details {
        static final JAXBContext CONTEXT = context();

        private static JAXBContext context() {
            try {
                return JAXBContext.newInstance(ObjectFactory.class);
            } catch (JAXBException e) {
                throw new IllegalStateException("no JAXB context for the service's types", e);
            }
        }
    }

    /**
     * Whose fault a fault this mapper made is, by its code; a code this service does not have (none
     * made here) counts as the service's.
     */
    static ErrorCode.Side side(VbsFault fault) {
        ErrorResponseType response = fault.getFaultInfo();
        if (response == null || response.getErrors() == null || response.getErrors().getError().isEmpty()) {
            return ErrorCode.Side.SERVER;
        }
        return ErrorCode.ofCode(response.getErrors().getError().get(0).getCode())
                .map(ErrorCode::side).orElse(ErrorCode.Side.SERVER);
    }

    private static VbsFault fault(String requestId, ErrorCode code, String message) {
        ErrorType error = new ErrorType();
        error.setCode(code.code());
        error.setMessage(message);
        ErrorSetType errors = new ErrorSetType();
        errors.getError().add(error);
        ErrorResponseType response = new ErrorResponseType();
        response.setErrors(errors);
        response.setRequestID(requestId);
        return new VbsFault(code.code() + ": " + message, response);
    }
}
