package org.vbs.hosts;

import org.vbs.plugins.spi.HostShell;
import org.vbs.plugins.testkit.HostShellContract;

/** The local shell passes the host shell contract. */
class LocalHostShellTest extends HostShellContract {
    @Override
    protected HostShell newShell() {
        return new LocalHostShell("localhost");
    }
}
