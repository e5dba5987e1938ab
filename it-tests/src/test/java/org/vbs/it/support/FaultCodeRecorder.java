package org.vbs.it.support;

import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import javax.xml.namespace.QName;
import org.apache.cxf.binding.soap.SoapFault;
import org.apache.cxf.binding.soap.interceptor.Soap11FaultInInterceptor;
import org.apache.cxf.frontend.ClientProxy;
import org.apache.cxf.interceptor.ClientFaultConverter;
import org.apache.cxf.message.Message;
import org.apache.cxf.phase.AbstractPhaseInterceptor;
import org.apache.cxf.phase.Phase;

/**
 * The SOAP faultcode of the last fault a caller's port received. The generated client hands over
 * only the fault's detail (the VbsFault), so this reads the code between CXF's reading of the
 * soap:Fault and its turning it into the exception.
 */
public final class FaultCodeRecorder extends AbstractPhaseInterceptor<Message> {
    /** SOAP 1.1's code for a fault the caller caused. */
    public static final QName CLIENT = new QName("http://schemas.xmlsoap.org/soap/envelope/", "Client");
    /** SOAP 1.1's code for a fault of the service. */
    public static final QName SERVER = new QName("http://schemas.xmlsoap.org/soap/envelope/", "Server");

    private final AtomicReference<QName> last = new AtomicReference<>();

    private FaultCodeRecorder() {
        super(Phase.UNMARSHAL);
        addAfter(Soap11FaultInInterceptor.class.getName());
        addBefore(ClientFaultConverter.class.getName());
    }

    /** Records the faults of this caller's port from now on. */
    public static FaultCodeRecorder on(Caller caller) {
        FaultCodeRecorder recorder = new FaultCodeRecorder();
        ClientProxy.getClient(caller.port()).getInFaultInterceptors().add(recorder);
        return recorder;
    }

    @Override
    public void handleMessage(Message message) {
        if (message.getContent(Exception.class) instanceof SoapFault fault) {
            last.set(fault.getFaultCode());
        }
    }

    /** The faultcode of the last fault received, if any was. */
    public Optional<QName> last() {
        return Optional.ofNullable(last.get());
    }
}
