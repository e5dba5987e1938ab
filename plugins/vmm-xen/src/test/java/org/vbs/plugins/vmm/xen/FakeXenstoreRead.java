package org.vbs.plugins.vmm.xen;

import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A FAKE of {@code xenstore-read}, for tests only (there is no xenstore without Xen): it prints, one
 * line per key, the scenario's {@code xenstore.<key>} (values captured from a real dom0) or, for the
 * disks {@link FakeXl} attached, {@code <BE-path>/params} (the dom0 device, as libxl writes it for a
 * {@code phy:} disk) and {@code <BE-path>/dev} (the guest device name). Any other key:
 * "xenstore-read: couldn't read path <key>" and exit 1, as the real tool.
 */
public final class FakeXenstoreRead {
    private static final Pattern BACKEND = Pattern.compile("/local/domain/0/backend/vbd/([0-9]+)/([0-9]+)/(params|dev)");

    private FakeXenstoreRead() {
    }

    public static void main(String[] args) {
        System.exit(FakeHost.main("xenstore-read", args, FakeXenstoreRead::run));
    }

    private static int run(FakeHost host, String[] keys) {
        Integer injected = host.injected("xenstore-read", "read");
        if (injected != null) {
            return injected;
        }
        StringBuilder values = new StringBuilder();
        for (String key : keys) {
            String value = host.scenario.getProperty("xenstore." + key);
            if (value == null) {
                value = computed(host, key);
            }
            if (value == null) {
                host.err.println("xenstore-read: couldn't read path " + key);
                return 1;
            }
            values.append(value).append('\n');
        }
        host.out.print(values);
        return 0;
    }

    private static String computed(FakeHost host, String key) {
        Matcher m = BACKEND.matcher(key);
        if (!m.matches()) {
            return null;
        }
        int domid = Integer.parseInt(m.group(1));
        if (domid < 1 || domid > host.domains().size()) {
            return null;
        }
        String domain = host.domains().get(domid - 1);
        Map<Integer, String> disks = FakeXl.disks(host, domain);
        String vdev = disks.get(Integer.parseInt(m.group(2)));
        if (vdev == null) {
            return null;
        }
        return "dev".equals(m.group(3)) ? vdev : host.state.getProperty(FakeXl.diskKey(domain, vdev));
    }
}
