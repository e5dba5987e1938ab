package org.vbs.plugins.vmm.xen;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A FAKE of Xen's {@code xl}, for tests only: Xen cannot run on the build machines (no hypervisor;
 * Debian's xen-utils-common has only the tools, which need a running Xen), so the driver's tests run
 * this instead, through {@link FakeToolsShell}. It records every call ({@link FakeHost}) and plays
 * the verbs the driver uses against the state in its directory, printing what xl 4.17 prints:
 * <ul>
 *   <li>{@code domid <d>}: the domain's id (its place in the scenario's {@code domains}, from 1), or
 *       "Can't get domid of domain name '<d>', maybe this domain does not exist." and exit 1;</li>
 *   <li>{@code block-attach <d> phy:<path> <vdev> w}: records the disk; fails as libxl does when the
 *       path does not exist or the vdev is taken;</li>
 *   <li>{@code block-detach <d> <vdev>}: removes it, or "Error: Device <vdev> not connected." exit 1;</li>
 *   <li>{@code block-list <d>}: xl's table (or the scenario's {@code blockList.<d>}, captured from a
 *       real xl), with BE-paths {@code /local/domain/0/backend/vbd/<domid>/<vdev number>}.</li>
 * </ul>
 * The scenario's {@code fail.xl.<verb>} (exit code) and {@code fail.xl.<verb>.message} make a verb
 * fail without changing anything.
 */
public final class FakeXl {
    static final String HEADER = "Vdev  BE  handle state evt-ch ring-ref BE-path                       ";
    private static final Pattern VDEV = Pattern.compile("(xvd|sd|hd)([a-z]{1,3})([0-9]{0,2})");

    private FakeXl() {
    }

    public static void main(String[] args) {
        System.exit(FakeHost.main("xl", args, FakeXl::run));
    }

    private static int run(FakeHost host, String[] args) {
        String verb = args.length > 0 ? args[0] : "";
        Integer injected = host.injected("xl", verb);
        if (injected != null) {
            return injected;
        }
        switch (verb) {
            case "domid":
                if (!host.domains().contains(args[1])) {
                    host.err.println("Can't get domid of domain name '" + args[1]
                            + "', maybe this domain does not exist.");
                    return 1;
                }
                host.out.println(domid(host, args[1]));
                return 0;
            case "block-attach":
                return attach(host, args);
            case "block-detach":
                return detach(host, args);
            case "block-list":
                return list(host, args[1]);
            default:
                host.err.println("command not implemented by the fake: " + verb);
                return 1;
        }
    }

    private static int attach(FakeHost host, String[] args) {
        if (args.length != 5 || !args[2].startsWith("phy:") || !"w".equals(args[4])) {
            host.err.println("fake xl: unexpected block-attach arguments");
            return 1;
        }
        if (!domainExists(host, args[1])) {
            return 1;
        }
        String path = args[2].substring(4);
        String vdev = args[3];
        if (number(vdev) < 0) {
            host.err.println("libxl: error: libxl_utils.c: Invalid or unsupported virtual disk identifier " + vdev);
            host.err.println("libxl_device_disk_add failed.");
            return 1;
        }
        if (!Files.exists(Path.of(path))) {
            host.err.println("libxl: error: libxl_device.c: Disk vdev=" + vdev + " failed to stat: " + path
                    + ": No such file or directory");
            host.err.println("libxl_device_disk_add failed.");
            return 1;
        }
        if (host.state.containsKey(diskKey(args[1], vdev))) {
            host.err.println("libxl: error: libxl_device.c: device already exists in xenstore");
            host.err.println("libxl_device_disk_add failed.");
            return 1;
        }
        host.state.setProperty(diskKey(args[1], vdev), path);
        host.save();
        return 0;
    }

    private static int detach(FakeHost host, String[] args) {
        if (!domainExists(host, args[1])) {
            return 1;
        }
        if (host.state.remove(diskKey(args[1], args[2])) == null) {
            host.err.println("Error: Device " + args[2] + " not connected.");
            return 1;
        }
        host.save();
        return 0;
    }

    private static int list(FakeHost host, String domain) {
        String canned = host.scenario.getProperty("blockList." + domain);
        if (canned != null) {
            host.out.print(canned);
            return 0;
        }
        host.out.println(HEADER);
        if (!domainExists(host, domain)) {
            return 1;
        }
        int domid = domid(host, domain);
        for (Map.Entry<Integer, String> disk : disks(host, domain).entrySet()) {
            host.out.println(String.format("%-5d %-3d %-6d %-5d %-6d %-8d %-30s", disk.getKey(), 0, domid, 4, 17, 8,
                    "/local/domain/0/backend/vbd/" + domid + "/" + disk.getKey()));
        }
        return 0;
    }

    /** The domain's disks by vdev number: vdev name. */
    static Map<Integer, String> disks(FakeHost host, String domain) {
        Map<Integer, String> disks = new TreeMap<>();
        String prefix = "disk|" + domain + "|";
        for (String key : host.state.stringPropertyNames()) {
            if (key.startsWith(prefix)) {
                String vdev = key.substring(prefix.length());
                disks.put(number(vdev), vdev);
            }
        }
        return disks;
    }

    static String diskKey(String domain, String vdev) {
        return "disk|" + domain + "|" + vdev;
    }

    static int domid(FakeHost host, String domain) {
        return host.domains().indexOf(domain) + 1;
    }

    /** False after printing xl's message when the domain does not exist. */
    private static boolean domainExists(FakeHost host, String domain) {
        if (host.domains().contains(domain)) {
            return true;
        }
        host.err.println(domain + " is an invalid domain identifier (rc=-6)");
        return false;
    }

    /** libxl's number of a vdev name (libxl__device_disk_dev_number), or -1. */
    static int number(String vdev) {
        Matcher m = VDEV.matcher(vdev);
        if (!m.matches()) {
            return -1;
        }
        int disk = 0;
        for (char c : m.group(2).toCharArray()) {
            disk = disk * 26 + (c - 'a' + 1);
        }
        disk -= 1;
        int partition = m.group(3).isEmpty() ? 0 : Integer.parseInt(m.group(3));
        switch (m.group(1)) {
            case "xvd":
                return disk < 16 && partition < 16 ? (202 << 8) | (disk << 4) | partition
                        : (1 << 28) | (disk << 8) | partition;
            case "sd":
                return disk < 16 && partition < 16 ? (8 << 8) | (disk << 4) | partition : -1;
            default:
                return disk < 4 && partition < 64 ? ((disk < 2 ? 3 : 22) << 8) | ((disk & 1) << 6) | partition : -1;
        }
    }
}
