package org.vbs.core.host;

import java.util.List;
import java.util.Optional;
import org.vbs.plugins.spi.DriverFactory;

/** What host administration asks of the drivers made for the hosts (the plugin host answers). */
public interface HostDriverStates {

    /** Why the host's driver of this kind does not work now, if it does not (it is made if it was not yet). */
    Optional<String> problem(String host, DriverKind kind);

    /** The properties the running factory of this driver declares; empty when its plugin is not running. */
    Optional<List<DriverFactory.ConfigProperty>> properties(DriverKind kind, String driverId);

    /** A deregistered host: its drivers are closed and its shell ended. */
    void forget(String host);
}
