package org.vbs.cli;

import org.vbs.cli.generated.VolumeServicePortType;

/** Opens a client port to the service; the real one signs, tests hand in their own. */
@FunctionalInterface
public interface PortFactory {
    /**
     * @throws org.vbs.security.SecurityConfigException if a credential or trust file cannot be used
     */
    VolumeServicePortType open(ClientSettings settings);
}
