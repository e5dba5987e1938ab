package org.vbs.cli;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import javax.xml.namespace.QName;
import org.apache.cxf.endpoint.Server;
import org.apache.cxf.jaxws.JaxWsServerFactoryBean;
import org.apache.cxf.ws.security.SecurityConstants;
import org.apache.wss4j.common.crypto.CryptoFactory;
import org.apache.wss4j.common.crypto.Merlin;
import org.apache.wss4j.common.ext.WSSecurityException;
import org.vbs.cli.generated.VolumeServicePortType;
import org.vbs.security.Credential;
import org.vbs.security.KeyStores;
import org.vbs.security.grid.GridCrypto;
import org.vbs.security.grid.GridTrustSettings;
import org.vbs.security.pki.PkiLayout;

/**
 * A CXF endpoint on loopback configured like the service, with the WSDL's own policy (RSA-SHA256,
 * signed requests and answers): the real signing counterpart of the CLI in unit tests.
 */
record SignedService(Server server, String url) implements AutoCloseable {
    private static final String NAMESPACE = "urn:vbs:2026-11";

    /** Publishes the service on a free loopback port, signing with the credential and trusting the CA directory of the PKI. */
    static SignedService publish(VolumeServicePortType service, Credential serverCredential, PkiLayout pki)
            throws IOException, WSSecurityException {
        int port;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = socket.getLocalPort();
        }
        String url = "http://127.0.0.1:" + port + "/vbs/VolumeService";
        // Trust as the real server has it: the CA directory the development PKI fills.
        Properties trust = new Properties();
        trust.setProperty("org.apache.wss4j.crypto.provider", GridCrypto.PROVIDER_NAME);
        trust.setProperty(GridTrustSettings.CERTIFICATES, pki.caDirectory().toString());
        Merlin crypto = (Merlin) CryptoFactory.getInstance(trust);
        crypto.setKeyStore(KeyStores.withCredential(serverCredential, "server", "secret".toCharArray()));
        Map<String, Object> properties = new HashMap<>();
        properties.put(SecurityConstants.SIGNATURE_CRYPTO, crypto);
        properties.put(SecurityConstants.ENCRYPT_CRYPTO, crypto);
        properties.put(SecurityConstants.SIGNATURE_USERNAME, "server");
        properties.put(SecurityConstants.SIGNATURE_PASSWORD, "secret");
        // As the CLI does: no Jasypt on this class path (the CLI ships without it).
        properties.put(SecurityConstants.PASSWORD_ENCRYPTOR_INSTANCE, new NoPasswordEncryption());
        properties.put(SecurityConstants.ASYMMETRIC_SIGNATURE_ALGORITHM, SigningCredentials.RSA_SHA256);
        JaxWsServerFactoryBean factory = new JaxWsServerFactoryBean();
        factory.setServiceClass(VolumeServicePortType.class);
        factory.setServiceBean(service);
        factory.setAddress(url);
        factory.setWsdlLocation(SignedPortFactory.class.getResource(SignedPortFactory.WSDL_RESOURCE).toString());
        factory.setServiceName(new QName(NAMESPACE, "VolumeService"));
        factory.setEndpointName(new QName(NAMESPACE, "VolumeServicePort"));
        factory.setProperties(properties);
        return new SignedService(factory.create(), url);
    }

    @Override
    public void close() {
        server.destroy();
    }
}
