package org.vbs.plugins.testkit.tools;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A network namespace of a test's own, joined to the root namespace by a veth pair with private
 * addresses from a random 10.x.y.z/29 that no interface on the machine uses: a second "host" on this
 * machine. Names are {@code vbs-t-<8 hex>} (namespace and root-side veth) and {@code vbs-p-<8 hex>}
 * (the peer inside). {@link #close()} deletes the namespace and the veth pair.
 */
public final class NetworkNamespace implements AutoCloseable {
    private final String name;
    private final String hostSideLink;
    private final String hostAddress;
    private final String innerAddress;
    private final String silentAddress;
    /** Whether the veth pair is ours to delete (its name could be taken by someone else's). */
    private boolean linkMade;

    private NetworkNamespace(String name, String hostSideLink, String[] subnet) {
        this.name = name;
        this.hostSideLink = hostSideLink;
        int base = Integer.parseInt(subnet[1]);
        this.hostAddress = subnet[0] + (base + 1);
        this.innerAddress = subnet[0] + (base + 2);
        this.silentAddress = subnet[0] + (base + 5);
    }

    /** Makes the namespace, the veth pair and the addresses; undoes what it made if a step fails. */
    public static NetworkNamespace create() throws IOException {
        String suffix = String.format(Locale.ROOT, "%08x", ThreadLocalRandom.current().nextInt());
        NetworkNamespace ns = new NetworkNamespace("vbs-t-" + suffix, "vbs-t-" + suffix, freeSubnet());
        String peer = "vbs-p-" + suffix;
        // Not in the try: if the name is taken, nothing of ours exists and the other one must stay.
        ip("netns", "add", ns.name);
        try {
            ip("link", "add", ns.hostSideLink, "type", "veth", "peer", "name", peer, "netns", ns.name);
            ns.linkMade = true;
            ip("addr", "add", ns.hostAddress + "/29", "dev", ns.hostSideLink);
            ip("link", "set", ns.hostSideLink, "up");
            ip("-n", ns.name, "addr", "add", ns.innerAddress + "/29", "dev", peer);
            ip("-n", ns.name, "link", "set", peer, "up");
            ip("-n", ns.name, "link", "set", "lo", "up");
        } catch (IOException | RuntimeException e) {
            try {
                ns.close();
            } catch (IOException cleanup) {
                e.addSuppressed(cleanup);
            }
            throw e;
        }
        return ns;
    }

    public String name() {
        return name;
    }

    /** The root namespace's address on the veth. */
    public String hostAddress() {
        return hostAddress;
    }

    /** The address inside the namespace, reachable from the root namespace. */
    public String innerAddress() {
        return innerAddress;
    }

    /**
     * An address on the veth's subnet that nobody holds: a connection to it gets no answer at all
     * (ARP goes unanswered), as with a host that is down.
     */
    public String silentAddress() {
        return silentAddress;
    }

    /** {@code ip netns exec <name>}: put it before an argv to run the program inside. */
    public List<String> execPrefix() {
        return List.of("ip", "netns", "exec", name);
    }

    @Override
    public void close() throws IOException {
        List<String> failures = new ArrayList<>();
        // Deleting the namespace destroys the peer inside it, and with it the pair; the root side is
        // deleted too in case it outlived the namespace ("gone" answers are fine: the kernel tears the
        // pair down after netns delete returns, so the root side may be found and then be gone).
        List<List<String>> steps = new ArrayList<>(List.of(List.of("netns", "delete", name)));
        if (linkMade) {
            steps.add(List.of("link", "delete", hostSideLink));
        }
        for (List<String> argv : steps) {
            List<String> cmd = new ArrayList<>(List.of("ip"));
            cmd.addAll(argv);
            ExecResult result = ExecResult.of(cmd, Duration.ofSeconds(20));
            if (result.exitCode() != 0 && !gone(result.output())) {
                failures.add(String.join(" ", cmd) + ": " + result.output());
            }
        }
        if (!failures.isEmpty()) {
            throw new IOException("cleaning up namespace " + name + " failed: " + failures);
        }
    }

    private static boolean gone(String output) {
        return output.contains("No such file") || output.contains("Cannot find device")
                || output.contains("No such device") || output.contains("does not exist");
    }

    /**
     * The first three octets and the base of a 10.x.y.z/29 whose addresses no interface of the root
     * namespace holds now (also used by {@link NamespaceLink} for its /30).
     */
    static String[] freeSubnet() throws IOException {
        String addresses = ExecResult.of("ip", "-4", "-o", "addr", "show").output();
        ThreadLocalRandom random = ThreadLocalRandom.current();
        for (int attempt = 0; attempt < 100; attempt++) {
            String prefix = "10." + random.nextInt(64, 250) + "." + random.nextInt(0, 256) + ".";
            int base = random.nextInt(0, 32) * 8;
            boolean used = false;
            for (int i = 0; i < 8; i++) {
                used |= addresses.contains(" " + prefix + (base + i) + "/");
            }
            if (!used) {
                return new String[] {prefix, String.valueOf(base)};
            }
        }
        throw new IOException("no free 10.x.y.z/29 subnet found");
    }

    static void ip(String... args) throws IOException {
        List<String> argv = new ArrayList<>(List.of("ip"));
        argv.addAll(List.of(args));
        ExecResult result = ExecResult.of(argv, Duration.ofSeconds(20));
        if (result.exitCode() != 0) {
            throw new IOException(String.join(" ", argv) + " exited " + result.exitCode() + ": " + result.output());
        }
    }
}
