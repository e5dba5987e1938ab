package org.vbs.cli;

import jakarta.xml.ws.BindingProvider;
import java.net.URI;
import java.net.URL;
import java.time.Duration;
import java.util.Map;
import org.apache.cxf.frontend.ClientProxy;
import org.apache.cxf.transport.http.HTTPConduit;
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
        ClientProxy.getClient(port).getBus().getExtension(PolicyEngine.class)
                .setAlternativeSelector(new InitiatorTokenSelector());
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
        HTTPConduit conduit = (HTTPConduit) ClientProxy.getClient(port).getConduit();
        conduit.setClient(policy);
        ServerTls.configure(conduit, endpoint, tls);
        return port;
    }
}
