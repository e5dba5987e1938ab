package org.vbs.cli;

import jakarta.xml.ws.WebServiceException;
import jakarta.xml.ws.soap.SOAPFaultException;
import java.io.IOException;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import javax.xml.namespace.QName;
import org.apache.wss4j.common.ext.WSSecurityException;
import org.vbs.cli.generated.ErrorResponseType;
import org.vbs.cli.generated.ErrorType;
import org.vbs.cli.generated.VbsFault;
import org.vbs.security.SecurityConfigException;

/**
 * How a failed command is reported: the line {@code Error: <code>: <message>} on stderr and an
 * exit status ({@link ExitCode}). Service faults keep the service's EBS-style code; failures on
 * this side get a code of their own.
 */
public record Failure(String code, String message, int exitCode) {
    /**
     * The namespaces of WS-Security fault codes (WSS 1.0, WSS 1.1, and the WSS4J one CXF sends, e.g.
     * {@code SecurityError}): the service refused the signature, the certificate or the timestamp.
     */
    static final Set<String> SECURITY_FAULT_NAMESPACES = Set.of(
            "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd",
            "http://docs.oasis-open.org/wss/oasis-wss-wssecurity-secext-1.1.xsd",
            "http://ws.apache.org/wss4j");

    /** The line for stderr; the message is made one line and free of control characters. */
    public String line() {
        return "Error: " + Text.oneLine(code) + ": " + Text.oneLine(message);
    }

    public static Failure of(Throwable failure) {
        if (failure instanceof VbsFault fault) {
            return serviceFault(fault);
        }
        if (failure instanceof SecurityConfigException e) {
            return new Failure("CredentialError", e.getMessage(), ExitCode.CONNECTION);
        }
        if (failure instanceof SnapshotFailedException e) {
            return new Failure("SnapshotFailed", e.getMessage(), ExitCode.SNAPSHOT_FAILED);
        }
        if (failure instanceof VolumeWaitFailedException e) {
            return new Failure("VolumeWaitFailed", e.getMessage(), ExitCode.VOLUME_WAIT_FAILED);
        }
        if (failure instanceof EndpointsFailedException e) {
            Failure last = of(e.getCause());
            return new Failure(last.code(), e.getMessage(), last.exitCode());
        }
        if (failure instanceof WebServiceException e) {
            return webService(e);
        }
        return new Failure("ClientError", failure.toString(), ExitCode.CLIENT_BUG);
    }

    private static Failure serviceFault(VbsFault fault) {
        ErrorResponseType info = fault.getFaultInfo();
        List<ErrorType> errors = info == null || info.getErrors() == null ? List.of() : info.getErrors().getError();
        if (errors.isEmpty()) {
            return new Failure("ServiceFault", String.valueOf(fault.getMessage()), ExitCode.SERVICE_FAULT);
        }
        String message = errors.stream().map(ErrorType::getMessage).collect(Collectors.joining("; "));
        return new Failure(errors.get(0).getCode(), message, ExitCode.SERVICE_FAULT);
    }

    /**
     * Everything CXF reports: the answer failed the signature check, the connection failed (CXF
     * wraps even that in a SOAP fault of its own when the request went through the policy
     * interceptors), or a SOAP fault outside the contract came back (the service's security layer
     * or its container).
     */
    private static Failure webService(WebServiceException e) {
        Optional<ServerTlsTrustManager.UntrustedServerException> untrustedServer = cause(e,
                ServerTlsTrustManager.UntrustedServerException.class);
        if (untrustedServer.isPresent()) {
            return new Failure("UntrustedServer", untrustedServer.get().getMessage() + "; nothing was sent",
                    ExitCode.CONNECTION);
        }
        Optional<WSSecurityException> security = cause(e, WSSecurityException.class);
        if (security.isPresent()) {
            return untrustedAnswer(security.get());
        }
        Optional<IOException> io = deepestCause(e, IOException.class);
        if (io.isPresent()) {
            return new Failure("ConnectionFailed", "cannot talk to the service: " + io.get(), ExitCode.CONNECTION);
        }
        if (e instanceof SOAPFaultException soap && soap.getFault() != null) {
            return soapFault(soap);
        }
        return new Failure("ConnectionFailed", deepestMessage(e), ExitCode.CONNECTION);
    }

    private static Failure soapFault(SOAPFaultException e) {
        QName code = e.getFault().getFaultCodeAsQName();
        String message = Optional.ofNullable(e.getFault().getFaultString()).orElse("(no fault string)");
        if (code != null && SECURITY_FAULT_NAMESPACES.contains(code.getNamespaceURI())) {
            return new Failure(code.getLocalPart(), "the service refused the request's signature (is your certificate"
                    + " from a CA the service trusts, and is this machine's clock right?): " + message, ExitCode.CONNECTION);
        }
        return new Failure(code == null ? "SoapFault" : code.getLocalPart(), message, ExitCode.SERVICE_FAULT);
    }

    private static Failure untrustedAnswer(WSSecurityException e) {
        return new Failure("UntrustedResponse", "the service's answer failed the signature check (is the CA that"
                + " issued the service's certificate in your CA directory, see --ca-dir, and is the certificate"
                + " neither expired nor revoked? --debug shows why): " + e.getMessage(), ExitCode.CONNECTION);
    }

    static <T extends Throwable> Optional<T> cause(Throwable failure, Class<T> type) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (type.isInstance(t)) {
                return Optional.of(type.cast(t));
            }
        }
        return Optional.empty();
    }

    static <T extends Throwable> Optional<T> deepestCause(Throwable failure, Class<T> type) {
        Optional<T> deepest = Optional.empty();
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (type.isInstance(t)) {
                deepest = Optional.of(type.cast(t));
            }
        }
        return deepest;
    }

    private static String deepestMessage(Throwable failure) {
        String message = failure.toString();
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t.getMessage() != null) {
                message = t.getMessage();
            }
        }
        return message;
    }
}
