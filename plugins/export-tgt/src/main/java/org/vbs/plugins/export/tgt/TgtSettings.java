package org.vbs.plugins.export.tgt;

import java.util.List;
import org.vbs.plugins.spi.ArgType;
import org.vbs.plugins.spi.DriverConfig;
import org.vbs.plugins.spi.DriverException;
import org.vbs.plugins.spi.DriverFactory.ConfigProperty;

/**
 * What the operator configured for the tgt driver on one volume server.
 *
 * @param portal {@code address:port} initiators log in to (what {@code tgtd --iscsi portal=} listens on,
 *        as seen from the hypervisor hosts)
 * @param control the tgtd instance: tgtadm's {@code -C} (control socket {@code /var/run/tgtd/socket.N})
 * @param lld tgt's low-level driver, {@code iscsi}
 * @param iqnPrefix the prefix of every target name VBS makes; {@link TgtExportDriver#exports()} lists only
 *        targets whose name starts with it, and export refuses any other name
 * @param acl which initiator identities the target's ACL names
 */
public record TgtSettings(String portal, int control, String lld, String iqnPrefix, InitiatorAcl acl) {
    public static final String PORTAL = "portal";
    public static final String CONTROL = "control";
    public static final String LLD = "lld";
    public static final String IQN_PREFIX = "iqnPrefix";
    public static final String ACL = "initiatorAcl";

    /** The prefix of the target names the service core makes. */
    public static final String DEFAULT_IQN_PREFIX = "iqn.2026-11.org.vbs:";

    /** The properties a host registration may give the driver (none is a secret). */
    public static final List<ConfigProperty> PROPERTIES = List.of(
            new ConfigProperty(PORTAL, "address:port of the iSCSI portal initiators log in to, e.g. 192.0.2.10:3260",
                    true, false),
            new ConfigProperty(CONTROL, "the tgtd instance to drive: tgtadm -C N (default 0, tgtd's default"
                    + " control socket)", false, false),
            new ConfigProperty(LLD, "tgt's low-level driver (default iscsi)", false, false),
            new ConfigProperty(IQN_PREFIX, "the prefix of the target names VBS makes (default "
                    + DEFAULT_IQN_PREFIX + "); other targets on the server are never listed or touched", false, false),
            new ConfigProperty(ACL, "which initiator identity the target's ACL names: name (default), address, or"
                    + " name-or-address (tgt admits a login matching EITHER rule)", false, false));

    public TgtSettings {
        if (!ArgType.HOST.accepts(portal) || !portal.matches(".*:[0-9]{1,5}")) {
            throw new IllegalArgumentException("the portal must be address:port, not '" + portal + "'");
        }
        if (control < 0 || control > 65535) {
            throw new IllegalArgumentException("the tgtadm control number must be 0..65535, not " + control);
        }
        ArgType.NAME.require(LLD, lld);
        if (!ArgType.IQN.accepts(iqnPrefix + "x") || !iqnPrefix.endsWith(":")) {
            throw new IllegalArgumentException("the IQN prefix must look like iqn.YYYY-MM.reversed.domain: , not '"
                    + iqnPrefix + "'");
        }
    }

    /** @throws DriverException {@code CONFIGURATION} naming the host and the bad or missing property */
    public static TgtSettings from(DriverConfig config) throws DriverException {
        String portal = config.require(PORTAL);
        try {
            return new TgtSettings(portal,
                    Integer.parseInt(config.property(CONTROL).orElse("0")),
                    config.property(LLD).orElse("iscsi"),
                    config.property(IQN_PREFIX).orElse(DEFAULT_IQN_PREFIX),
                    InitiatorAcl.of(config.property(ACL).orElse(InitiatorAcl.NAME.value())));
        } catch (IllegalArgumentException e) { // NumberFormatException included
            throw new DriverException(DriverException.Code.CONFIGURATION, "host " + config.host()
                    + ": the tgt export driver's configuration is invalid: " + e.getMessage(), e);
        }
    }
}
