package org.vbs.cli;

import java.net.URI;
import org.vbs.cli.generated.VolumeServicePortType;

/** Opens client ports to the service; the real factory signs, tests hand in their own. */
@FunctionalInterface
public interface PortFactory {
    /**
     * Prepares the calls of one run (the signing credential is loaded here, once, whichever
     * endpoints the run then calls).
     *
     * @throws org.vbs.security.SecurityConfigException if a credential or trust file cannot be used
     */
    EndpointPorts open(ClientSettings settings);

    /** Opens the port to one endpoint of the settings, when {@link FailoverPort} first calls it. */
    @FunctionalInterface
    interface EndpointPorts {
        /**
         * @throws org.vbs.security.SecurityConfigException if the endpoint's trust settings cannot be
         *     used (an https endpoint without a CA directory)
         */
        VolumeServicePortType port(URI endpoint);
    }
}
