package org.vbs.plugins.vmm.xen;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeSet;

/**
 * A FAKE of open-iscsi's {@code iscsiadm}, for tests only: the kernel's iSCSI initiator does not load
 * on the build machines (the real iscsiadm fails there with "iSCSI driver tcp is not loaded"), so the
 * driver's tests run this instead, through {@link FakeToolsShell}. It records every call
 * ({@link FakeHost}) and plays {@code -m node} as open-iscsi 2.1 does, with its messages and exit
 * codes (21 no objects found, 15 session exists, 24 authorization failure, 19 non-retryable login
 * failure, 8 connection timed out):
 * <ul>
 *   <li>{@code -o new}, {@code -o update -n <name> -v <value>}, {@code -o delete} on node records;</li>
 *   <li>{@code --login}: checks the record's CHAP settings (and initiator name) against the fake
 *       target's account in the scenario ({@code target.<iqn>.user}, {@code .secret}, {@code .userIn},
 *       {@code .secretIn}, {@code .initiator}, {@code .lun}), then makes the session and the LUN's
 *       by-path "device" (a regular file under {@code by-path/}, unless {@code device.never=true});</li>
 *   <li>{@code --logout}: ends the session and removes the device; {@code -m node} alone lists the
 *       records as {@code <ip>:<port>,<tpgt> <iqn>}.</li>
 * </ul>
 * The scenario's {@code fail.iscsiadm.<verb>} ({@code new}, {@code update.<name>}, {@code login},
 * {@code logout}, {@code delete}, {@code list}) makes that call fail without changing anything.
 */
public final class FakeIscsiadm {
    private FakeIscsiadm() {
    }

    public static void main(String[] args) {
        System.exit(FakeHost.main("iscsiadm", args, FakeIscsiadm::run));
    }

    private static int run(FakeHost host, String[] args) throws IOException {
        Map<String, String> options = new HashMap<>();
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--login") || args[i].equals("--logout")) {
                options.put(args[i], "");
            } else if (i + 1 < args.length) {
                options.put(args[i], args[++i]);
            }
        }
        if (!"node".equals(options.get("-m"))) {
            host.err.println("fake iscsiadm: only node mode is played");
            return 7;
        }
        String iqn = options.get("-T");
        String portal = options.get("-p");
        if (iqn == null) {
            return list(host);
        }
        String node = "node|" + iqn + "|" + portal;
        String op = options.containsKey("--login") ? "login" : options.containsKey("--logout") ? "logout"
                : options.get("-o");
        String verb = "update".equals(op) ? "update." + options.get("-n") : op;
        Integer injected = host.injected("iscsiadm", verb);
        if (injected != null) {
            return injected;
        }
        if (!"new".equals(op) && !"logout".equals(op) && !host.state.containsKey(node)) {
            host.err.println("iscsiadm: No records found");
            return 21;
        }
        String shown = "[iface: default, target: " + iqn + ", portal: " + portal.replaceFirst(":([0-9]+)$", ",$1")
                + "]";
        switch (op) {
            case "new":
                host.state.stringPropertyNames().stream().filter(k -> k.startsWith(node + "|"))
                        .forEach(host.state::remove);
                host.state.setProperty(node, "1");
                host.out.println("New iSCSI node [tcp:[hw=,ip=,net_if=,iscsi_if=default] "
                        + portal.replaceFirst(":([0-9]+)$", ",$1") + ",-1 " + iqn + "] added");
                break;
            case "update":
                host.state.setProperty(node + "|" + options.get("-n"), options.get("-v"));
                break;
            case "delete":
                endSession(host, iqn, portal);
                host.state.stringPropertyNames().stream().filter(k -> k.equals(node) || k.startsWith(node + "|"))
                        .forEach(host.state::remove);
                break;
            case "login":
                int code = login(host, iqn, portal, node, shown);
                if (code != 0) {
                    return code;
                }
                break;
            case "logout":
                if (!host.state.containsKey("session|" + iqn + "|" + portal)) {
                    host.err.println("iscsiadm: No matching sessions found");
                    return 21;
                }
                host.out.println("Logging out of session [sid: 1, target: " + iqn + ", portal: "
                        + portal.replaceFirst(":([0-9]+)$", ",$1") + "]");
                endSession(host, iqn, portal);
                host.out.println("Logout of " + shown + " successful.");
                break;
            default:
                host.err.println("fake iscsiadm: unexpected operation " + op);
                return 7;
        }
        host.save();
        return 0;
    }

    private static int login(FakeHost host, String iqn, String portal, String node, String shown) throws IOException {
        if (host.state.containsKey("session|" + iqn + "|" + portal)) {
            host.err.println("iscsiadm: default: 1 session requested, but 1 already present.");
            return 15;
        }
        host.out.println("Logging in to " + shown);
        String target = "target." + iqn + ".";
        if (host.scenario.getProperty(target + "user") == null) {
            return loginFailed(host, shown, 8, "connection timed out");
        }
        String initiator = host.scenario.getProperty(target + "initiator");
        if (initiator != null && !initiator.equals(host.state.getProperty(node + "|iface.initiatorname"))) {
            return loginFailed(host, shown, 19, "encountered non-retryable iSCSI login failure");
        }
        boolean chap = "CHAP".equals(host.state.getProperty(node + "|node.session.auth.authmethod"))
                && same(host, target + "user", node + "|node.session.auth.username")
                && same(host, target + "secret", node + "|node.session.auth.password");
        boolean mutual = host.scenario.getProperty(target + "userIn") == null
                || same(host, target + "userIn", node + "|node.session.auth.username_in")
                && same(host, target + "secretIn", node + "|node.session.auth.password_in");
        if (!chap || !mutual) {
            return loginFailed(host, shown, 24, "iSCSI login failed due to authorization failure");
        }
        host.state.setProperty("session|" + iqn + "|" + portal, "1");
        if (!Boolean.parseBoolean(host.scenario.getProperty("device.never"))) {
            Files.createDirectories(host.deviceDir());
            Files.writeString(device(host, iqn, portal), "");
        }
        host.out.println("Login to " + shown + " successful.");
        return 0;
    }

    private static int loginFailed(FakeHost host, String shown, int code, String reason) {
        host.err.println("iscsiadm: Could not login to " + shown + ".");
        host.err.println("iscsiadm: initiator reported error (" + code + " - " + reason + ")");
        host.err.println("iscsiadm: Could not log into all portals");
        return code;
    }

    private static boolean same(FakeHost host, String scenarioKey, String stateKey) {
        String expected = host.scenario.getProperty(scenarioKey);
        return expected != null && expected.equals(host.state.getProperty(stateKey));
    }

    private static void endSession(FakeHost host, String iqn, String portal) throws IOException {
        if (host.state.remove("session|" + iqn + "|" + portal) != null) {
            Files.deleteIfExists(device(host, iqn, portal));
        }
    }

    private static Path device(FakeHost host, String iqn, String portal) {
        String lun = host.scenario.getProperty("target." + iqn + ".lun", "1");
        return host.deviceDir().resolve("ip-" + portal + "-iscsi-" + iqn + "-lun-" + lun);
    }

    private static int list(FakeHost host) {
        Integer injected = host.injected("iscsiadm", "list");
        if (injected != null) {
            return injected;
        }
        TreeSet<String> lines = new TreeSet<>();
        for (String key : host.state.stringPropertyNames()) {
            String[] parts = key.split("\\|");
            if (parts.length == 3 && parts[0].equals("node")) {
                lines.add(parts[2] + ",1 " + parts[1]);
            }
        }
        if (lines.isEmpty()) {
            host.err.println("iscsiadm: No records found");
            return 21;
        }
        lines.forEach(host.out::println);
        return 0;
    }
}
