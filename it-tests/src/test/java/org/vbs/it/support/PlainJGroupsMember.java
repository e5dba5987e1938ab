package org.vbs.it.support;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import org.jgroups.JChannel;
import org.jgroups.View;
import org.jgroups.protocols.FD_ALL3;
import org.jgroups.protocols.FRAG4;
import org.jgroups.protocols.MERGE3;
import org.jgroups.protocols.MFC;
import org.jgroups.protocols.TCP;
import org.jgroups.protocols.TCPPING;
import org.jgroups.protocols.UFC;
import org.jgroups.protocols.UNICAST3;
import org.jgroups.protocols.VERIFY_SUSPECT2;
import org.jgroups.protocols.pbcast.GMS;
import org.jgroups.protocols.pbcast.NAKACK2;
import org.jgroups.protocols.pbcast.STABLE;

/**
 * A JGroups member with WildFly's tcp stack (10-network.cli) but neither AUTH nor SYM_ENCRYPT, as a
 * program of its own so that a test can run it in a network namespace: it asks to join a cluster at
 * one node, gives up after three attempts of a second each, and prints the view it then has on one
 * line: {@code view <members> <view>}. Exit status 0 once connected, 2 for wrong arguments.
 *
 * <pre>
 * PlainJGroupsMember NAME BIND-ADDRESS BIND-PORT CLUSTER NODE-ADDRESS NODE-PORT
 * </pre>
 */
public final class PlainJGroupsMember {
    /** What the view line starts with. */
    public static final String VIEW_LINE = "view ";
    private static final int JOIN_TIMEOUT_MS = 1000;
    private static final int JOIN_ATTEMPTS = 3;

    private PlainJGroupsMember() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 6) {
            System.err.println("usage: PlainJGroupsMember <name> <bind address> <bind port> <cluster> <node address>"
                    + " <node port>");
            System.exit(2);
        }
        InetSocketAddress node = new InetSocketAddress(InetAddress.getByName(args[4]), Integer.parseInt(args[5]));
        // A fixed port of its own: TCPPING, unlike a multicast discovery, needs one.
        try (JChannel channel = new JChannel(new TCP().setBindAddress(InetAddress.getByName(args[1]))
                .setBindPort(Integer.parseInt(args[2])),
                new TCPPING().initialHosts(List.of(node)).portRange(0), new MERGE3(), new FD_ALL3(),
                new VERIFY_SUSPECT2(), new NAKACK2(), new UNICAST3(), new STABLE(),
                new GMS().setJoinTimeout(JOIN_TIMEOUT_MS).setMaxJoinAttempts(JOIN_ATTEMPTS), new UFC(), new MFC(),
                new FRAG4())
                .name(args[0])) {
            channel.connect(args[3]);
            View view = channel.getView();
            System.out.println(VIEW_LINE + view.size() + " " + view);
        }
    }
}
