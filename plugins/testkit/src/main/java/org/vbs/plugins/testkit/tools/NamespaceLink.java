package org.vbs.plugins.testkit.tools;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A direct wire between two {@link NetworkNamespace}s: a veth pair with one end in each and a
 * 10.x.y.z/30 of its own, so two "hosts" reach each other (e.g. a hypervisor host's QEMU logging in
 * to a volume server's tgtd) without any route or forwarding in the root namespace: each end's /30
 * is a connected route inside its namespace, and the root namespace never sees the link. Names are
 * {@code vbs-l-<8 hex>} (in {@code a}) and {@code vbs-m-<8 hex>} (in {@code b}).
 * {@link #close()} deletes the pair (deleting either namespace would too).
 */
public final class NamespaceLink implements AutoCloseable {
    private final NetworkNamespace a;
    private final String aLink;
    private final String aAddress;
    private final String bAddress;

    private NamespaceLink(NetworkNamespace a, String aLink, String aAddress, String bAddress) {
        this.a = a;
        this.aLink = aLink;
        this.aAddress = aAddress;
        this.bAddress = bAddress;
    }

    /** Makes the pair and its addresses; deletes the pair if a later step fails. */
    public static NamespaceLink between(NetworkNamespace a, NetworkNamespace b) throws IOException {
        String suffix = String.format(Locale.ROOT, "%08x", ThreadLocalRandom.current().nextInt());
        String aLink = "vbs-l-" + suffix;
        String bLink = "vbs-m-" + suffix;
        String[] subnet = subnetApartFrom(a, b);
        int base = Integer.parseInt(subnet[1]);
        NamespaceLink link = new NamespaceLink(a, aLink, subnet[0] + (base + 1), subnet[0] + (base + 2));
        NetworkNamespace.ip("-n", a.name(), "link", "add", aLink, "type", "veth", "peer", "name", bLink,
                "netns", b.name());
        try {
            NetworkNamespace.ip("-n", a.name(), "addr", "add", link.aAddress + "/30", "dev", aLink);
            NetworkNamespace.ip("-n", a.name(), "link", "set", aLink, "up");
            NetworkNamespace.ip("-n", b.name(), "addr", "add", link.bAddress + "/30", "dev", bLink);
            NetworkNamespace.ip("-n", b.name(), "link", "set", bLink, "up");
        } catch (IOException | RuntimeException e) {
            try {
                link.close();
            } catch (IOException cleanup) {
                e.addSuppressed(cleanup);
            }
            throw e;
        }
        return link;
    }

    /** The address of {@code a}'s end, reachable from {@code b}. */
    public String aAddress() {
        return aAddress;
    }

    /** The address of {@code b}'s end, reachable from {@code a}. */
    public String bAddress() {
        return bAddress;
    }

    @Override
    public void close() throws IOException {
        ExecResult result = ExecResult.of(List.of("ip", "-n", a.name(), "link", "delete", aLink),
                Duration.ofSeconds(20));
        // "Cannot find device"/"No such device": already gone (or going); "Cannot open network
        // namespace": the namespace took it along.
        if (result.exitCode() != 0 && !result.output().contains("Cannot find device")
                && !result.output().contains("No such device")
                && !result.output().contains("Cannot open network namespace")) {
            throw new IOException("deleting link " + aLink + " in " + a.name() + " failed: " + result.output());
        }
    }

    /** A free /29 (its first /30 is used) that is neither namespace's veth subnet. */
    private static String[] subnetApartFrom(NetworkNamespace a, NetworkNamespace b) throws IOException {
        for (int attempt = 0; attempt < 100; attempt++) {
            String[] subnet = NetworkNamespace.freeSubnet();
            int base = Integer.parseInt(subnet[1]);
            boolean clash = false;
            for (int i = 0; i < 8; i++) {
                String address = subnet[0] + (base + i);
                clash |= address.equals(a.innerAddress()) || address.equals(b.innerAddress());
            }
            if (!clash) {
                return subnet;
            }
        }
        throw new IOException("no /30 apart from the namespaces' own subnets found");
    }
}
