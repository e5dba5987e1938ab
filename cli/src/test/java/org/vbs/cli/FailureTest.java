package org.vbs.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.xml.soap.SOAPException;
import jakarta.xml.soap.SOAPFactory;
import jakarta.xml.ws.WebServiceException;
import jakarta.xml.ws.soap.SOAPFaultException;
import java.io.IOException;
import java.net.ConnectException;
import java.nio.file.Path;
import javax.xml.namespace.QName;
import org.junit.jupiter.api.Test;
import org.vbs.cli.generated.ErrorResponseType;
import org.vbs.cli.generated.ErrorSetType;
import org.vbs.cli.generated.ErrorType;
import org.vbs.cli.generated.VbsFault;
import org.vbs.cli.generated.VolumeServicePortType;
import org.vbs.security.SecurityConfigException;

class FailureTest {

    static VbsFault fault(String code, String message) {
        ErrorType error = new ErrorType();
        error.setCode(code);
        error.setMessage(message);
        ErrorResponseType info = new ErrorResponseType();
        info.setErrors(new ErrorSetType());
        info.getErrors().getError().add(error);
        info.setRequestID("req-1");
        return new VbsFault(message, info);
    }

    @Test
    void shouldKeepTheServiceCodeAndMessage() {
        Failure failure = Failure.of(fault("InvalidVolume.NotFound", "The volume 'vol-1' does not exist."));
        assertEquals("Error: InvalidVolume.NotFound: The volume 'vol-1' does not exist.", failure.line());
        assertEquals(ExitCode.SERVICE_FAULT, failure.exitCode());
    }

    @Test
    void shouldPrintAServiceFaultOnStderrWithoutStackTrace() {
        FakePort port = new FakePort() {
            @Override
            public org.vbs.cli.generated.DeleteVolumeResponseType deleteVolume(
                    org.vbs.cli.generated.DeleteVolumeType request) throws VbsFault {
                throw fault("IncorrectState", "vol-1 is being snapshotted;\nretry later");
            }
        };
        CliRun run = CliRun.run(port.factory(), "delete-volume", "vol-1");
        assertEquals(ExitCode.SERVICE_FAULT, run.status());
        assertEquals("Error: IncorrectState: vol-1 is being snapshotted;\\nretry later\n", run.err());
        assertEquals("", run.out());
    }

    @Test
    void shouldAddTheStackTraceWithDebug() {
        VolumeServicePortType port = new FakePort() {
            @Override
            public org.vbs.cli.generated.DeleteVolumeResponseType deleteVolume(
                    org.vbs.cli.generated.DeleteVolumeType request) throws VbsFault {
                throw fault("IncorrectState", "busy");
            }
        };
        CliRun run = CliRun.run(settings -> endpoint -> port, "delete-volume", "vol-1", "--debug");
        assertTrue(run.err().startsWith("Error: IncorrectState: busy\n"), run.err());
        assertTrue(run.err().contains("\tat org.vbs.cli."), run.err());
    }

    @Test
    void shouldReportACredentialProblemAsExit3() {
        Failure failure = Failure.of(new SecurityConfigException(Path.of("/k/userkey.pem"), "no such file"));
        assertEquals("Error: CredentialError: /k/userkey.pem: no such file", failure.line());
        assertEquals(ExitCode.CONNECTION, failure.exitCode());
    }

    @Test
    void shouldReportARefusedSignatureAsExit3() throws SOAPException {
        for (String namespace : Failure.SECURITY_FAULT_NAMESPACES) {
            QName code = new QName(namespace, "SecurityError", "wsse");
            Failure failure = Failure.of(new SOAPFaultException(
                    SOAPFactory.newInstance().createFault("A security error was encountered when verifying the message", code)));
            assertEquals("SecurityError", failure.code());
            assertTrue(failure.message().startsWith("the service refused the request's signature"), failure.message());
            assertTrue(failure.message().endsWith("A security error was encountered when verifying the message"));
            assertEquals(ExitCode.CONNECTION, failure.exitCode());
        }
    }

    @Test
    void shouldReportAnUnreachableServiceAsExit3() {
        Failure failure = Failure.of(new WebServiceException("Could not send Message.",
                new ConnectException("Connection refused")));
        assertEquals("ConnectionFailed", failure.code());
        assertTrue(failure.message().contains("Connection refused"), failure.message());
        assertEquals(ExitCode.CONNECTION, failure.exitCode());
    }

    @Test
    void shouldReportAConnectionFailureWrappedInASoapFaultAsExit3() throws SOAPException {
        // What CXF throws for a refused connection once the policy interceptors have run.
        QName client = new QName("http://schemas.xmlsoap.org/soap/envelope/", "Client");
        SOAPFaultException wrapped = new SOAPFaultException(SOAPFactory.newInstance().createFault("Connection refused", client));
        wrapped.initCause(new IOException("wrapper", new ConnectException("Connection refused")));
        Failure failure = Failure.of(wrapped);
        assertEquals("Error: ConnectionFailed: cannot talk to the service: java.net.ConnectException: Connection refused",
                failure.line());
        assertEquals(ExitCode.CONNECTION, failure.exitCode());
    }

    @Test
    void shouldReportOtherSoapFaultsAsServiceFaults() throws SOAPException {
        QName code = new QName("http://schemas.xmlsoap.org/soap/envelope/", "Server");
        Failure failure = Failure.of(new SOAPFaultException(SOAPFactory.newInstance().createFault("boom", code)));
        assertEquals("Error: Server: boom", failure.line());
        assertEquals(ExitCode.SERVICE_FAULT, failure.exitCode());
    }

    @Test
    void shouldCallAnythingElseAClientBug() {
        Failure failure = Failure.of(new IllegalStateException("oops"));
        assertEquals("ClientError", failure.code());
        assertEquals(ExitCode.CLIENT_BUG, failure.exitCode());
    }
}
