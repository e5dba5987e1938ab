package org.vbs.plugins.vmm.xen;

import java.util.ArrayList;
import java.util.List;
import org.vbs.plugins.spi.ArgType;

/**
 * What {@code xl block-list <domain>} prints: a header, then one row per disk,
 * <pre>
 * Vdev  BE  handle state evt-ch ring-ref BE-path
 * 51712 0   241    4     -1     -1       /local/domain/0/backend/vbd/241/51712
 * </pre>
 * (xl's {@code main_blocklist}: Vdev is the disk's number, BE the backend domain, BE-path the disk's
 * backend directory in xenstore, where {@code params} names the dom0 device and {@code dev} the
 * guest's name for the disk). Only the Vdev and the BE-path are used.
 */
record BlockList(List<Row> rows) {
    /** One disk: its number and its backend directory. */
    record Row(String vdev, String backendPath) {
    }

    BlockList {
        rows = List.copyOf(rows);
    }

    /** @throws IllegalArgumentException for a row that is not xl's */
    static BlockList parse(String stdout) {
        List<Row> rows = new ArrayList<>();
        for (String line : stdout.split("\n")) {
            String text = line.strip();
            if (text.isEmpty() || text.startsWith("Vdev")) {
                continue;
            }
            String[] columns = text.split("\\s+");
            if (columns.length != 7 || !columns[0].matches("[0-9]{1,10}") || !ArgType.PATH.accepts(columns[6])) {
                throw new IllegalArgumentException("not a row of xl block-list: '" + text + "'");
            }
            rows.add(new Row(columns[0], columns[6]));
        }
        return new BlockList(rows);
    }
}
