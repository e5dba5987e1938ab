package org.vbs.cli;

import jakarta.xml.ws.BindingProvider;
import java.net.URI;
import java.net.URL;
import java.time.Duration;
import java.util.Map;
import org.apache.cxf.endpoint.Client;
import org.apache.cxf.frontend.ClientProxy;
import org.apache.cxf.transport.http.HTTPConduit;
import org.apache.cxf.transport.http.HTTPConduitFactory;
import org.apache.cxf.transport.http.URLConnectionHTTPConduit;
import org.apache.cxf.ws.policy.PolicyEngine;
import org.apache.cxf.transports.http.configuration.HTTPClientPolicy;
import org.vbs.cli.generated.VolumeService;
import org.vbs.cli.generated.VolumeServicePortType;

/**
 * Ports that sign every request with the user's credential and accept only answers signed by a
 * certificate that chains to a CA of the CA directory (and is not revoked). The WSDL (and so the
 * security policy) comes from this jar, never from the server's ?wsdl, so a tampered server WSDL
 * cannot switch signing off.
 */
public final class SignedPortFactory implements PortFactory {
    static final String WSDL_RESOURCE = "/wsdl/VolumeService.wsdl";
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration RECEIVE_TIMEOUT = Duration.ofMinutes(2);

    /*
     * The JDK's HttpURLConnection would silently send a POST again on a new connection when the first
     * lost its connection before the answer (sun.net.http.retryPost, true by default): a DeleteVolume
     * twice. Only FailoverPort decides whether a call is sent again. The JDK reads the property once,
     * when its HTTP client class loads; the CLI's HTTP calls all start from this class's ports.
     */
    static {
        System.setProperty("sun.net.http.retryPost", "false");
    }

    /*
     * HttpURLConnection rather than CXF's default java.net.http conduit: that one (CXF 4.1, 4.2) closes a
     * failed request's stream from two threads at once, and the NullPointerException it may throw hides
     * why the call failed (a refused connection, an untrusted server), which FailoverPort and the exit
     * code depend on. It also costs CXF less CPU per call.
     */
    private static final HTTPConduitFactory URL_CONNECTION = (transport, bus, endpoint, target) ->
            new URLConnectionHTTPConduit(bus, endpoint, target);

    private final PassphraseSource passphrases;

    /** @param passphrases asked for the pass phrase of an encrypted key ({@link ConsolePassphrase}) */
    public SignedPortFactory(PassphraseSource passphrases) {
        this.passphrases = passphrases;
    }

    @Override
    public EndpointPorts open(ClientSettings settings) {
        SigningCredentials credentials = SigningCredentials.load(settings, passphrases);
        return endpoint -> port(endpoint, credentials, settings.tls());
    }

    private static VolumeServicePortType port(URI endpoint, SigningCredentials credentials, TlsSettings tls) {
        URL wsdl = SignedPortFactory.class.getResource(WSDL_RESOURCE);
        if (wsdl == null) {
            throw new IllegalStateException("the client jar lacks " + WSDL_RESOURCE + "; rebuild the CLI");
        }
        VolumeServicePortType port = new VolumeService(wsdl).getVolumeServicePort();
        Client client = ClientProxy.getClient(port);
        client.getBus().getExtension(PolicyEngine.class).setAlternativeSelector(new InitiatorTokenSelector());
        client.getEndpoint().getEndpointInfo().setProperty(HTTPConduitFactory.class.getName(), URL_CONNECTION);
        Map<String, Object> context = ((BindingProvider) port).getRequestContext();
        context.put(BindingProvider.ENDPOINT_ADDRESS_PROPERTY, endpoint.toString());
        credentials.configure(context);
        HTTPClientPolicy policy = new HTTPClientPolicy();
        policy.setConnectionTimeout(CONNECT_TIMEOUT.toMillis());
        policy.setReceiveTimeout(RECEIVE_TIMEOUT.toMillis());
        // The whole (small) request is signed and buffered before the connection is made: a failure to
        // connect is then reported as such (ConnectException, SSLHandshakeException), not as a broken
        // pipe of a body streamed in parallel, so FailoverPort can tell "not sent" from "maybe taken".
        policy.setAllowChunking(false);
        HTTPConduit conduit = (HTTPConduit) client.getConduit();
        conduit.setClient(policy);
        ServerTls.configure(conduit, endpoint, tls);
        return port;
    }
}
