package org.vbs.plugins.export.tgt;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The targets of one tgtd, parsed from {@code tgtadm --lld iscsi --mode target --op show} (tgt 1.0.85).
 * tgt has no machine-readable output; the layout is fixed by its source ({@code usr/target.c},
 * {@code tgt_target_show_all}): a {@code Target N: IQN} line per target, then indented sections
 * ({@code I_T nexus information:}, {@code LUN information:}, {@code Account information:},
 * {@code ACL information:}) whose entries are indented deeper. The parser reads only what it needs
 * and fails on a target line it cannot read rather than guessing.
 */
public final class TargetListing {
    private static final Pattern TARGET = Pattern.compile("^Target (\\d+): (\\S+)\\s*$");
    private static final Pattern SECTION = Pattern.compile("^ {4}(\\S.*):\\s*$");
    private static final Pattern LUN = Pattern.compile("^ {8}LUN: (\\d+)\\s*$");
    private static final Pattern NEXUS = Pattern.compile("^ {8}I_T nexus: (\\d+)\\s*$");
    private static final Pattern CONNECTION = Pattern.compile("^ {12}Connection: (\\d+)\\s*$");
    private static final Pattern LUN_FIELD = Pattern.compile("^ {12}([^:]+): ?(.*)$");
    private static final Pattern ENTRY = Pattern.compile("^ {8}(\\S+)( \\(outgoing\\))?\\s*$");

    private final List<TgtTarget> targets;

    private TargetListing(List<TgtTarget> targets) {
        this.targets = List.copyOf(targets);
    }

    /** @throws IllegalArgumentException when a {@code Target} line cannot be read */
    public static TargetListing parse(String output) {
        List<TgtTarget> targets = new ArrayList<>();
        Builder current = null;
        String section = "";
        for (String line : output.split("\n", -1)) {
            if (line.startsWith("Target ")) {
                Matcher m = TARGET.matcher(line);
                if (!m.matches()) {
                    throw new IllegalArgumentException("cannot read the tgtadm target line '" + line + "'");
                }
                if (current != null) {
                    targets.add(current.build());
                }
                current = new Builder(Integer.parseInt(m.group(1)), m.group(2));
                section = "";
                continue;
            }
            if (current == null) {
                continue;
            }
            Matcher s = SECTION.matcher(line);
            if (s.matches()) {
                section = s.group(1);
                continue;
            }
            current.read(section, line);
        }
        if (current != null) {
            targets.add(current.build());
        }
        return new TargetListing(targets);
    }

    public List<TgtTarget> targets() {
        return targets;
    }

    public Optional<TgtTarget> byIqn(String iqn) {
        return targets.stream().filter(t -> t.iqn().equals(iqn)).findFirst();
    }

    public Set<Integer> tids() {
        Set<Integer> tids = new TreeSet<>();
        targets.forEach(t -> tids.add(t.tid()));
        return tids;
    }

    /** The {@code count} lowest tids (from 1: tgt refuses 0) no target uses. */
    public List<Integer> freeTids(int count) {
        Set<Integer> used = tids();
        List<Integer> free = new ArrayList<>(count);
        for (int tid = 1; free.size() < count; tid++) {
            if (!used.contains(tid)) {
                free.add(tid);
            }
        }
        return free;
    }

    /** Whether a target other than {@code tid} has {@code user} bound (then its account must stay). */
    public boolean boundElsewhere(String user, int tid) {
        return targets.stream().anyMatch(t -> t.tid() != tid && t.users().contains(user));
    }

    /** Collects one target's lines. */
    private static final class Builder {
        private final int tid;
        private final String iqn;
        private final List<TgtTarget.Lun> luns = new ArrayList<>();
        private final List<String> incoming = new ArrayList<>();
        private final List<String> outgoing = new ArrayList<>();
        private final List<String> acl = new ArrayList<>();
        private final List<TgtTarget.Session> sessions = new ArrayList<>();
        private long sid = -1;
        private final List<Integer> connections = new ArrayList<>();
        private Integer lun;
        private String serial = "";
        private Optional<String> backing = Optional.empty();

        Builder(int tid, String iqn) {
            this.tid = tid;
            this.iqn = iqn;
        }

        void read(String section, String line) {
            switch (section) {
                case "I_T nexus information" -> readNexus(line);
                case "LUN information" -> readLun(line);
                case "Account information" -> {
                    Matcher m = ENTRY.matcher(line);
                    if (m.matches()) {
                        (m.group(2) == null ? incoming : outgoing).add(m.group(1));
                    }
                }
                case "ACL information" -> {
                    Matcher m = ENTRY.matcher(line);
                    if (m.matches()) {
                        acl.add(m.group(1));
                    }
                }
                default -> {
                    // System information and parameters: nothing the driver needs.
                }
            }
        }

        private void readNexus(String line) {
            Matcher m = NEXUS.matcher(line);
            if (m.matches()) {
                endNexus();
                sid = Long.parseLong(m.group(1));
                return;
            }
            Matcher c = CONNECTION.matcher(line);
            if (sid >= 0 && c.matches()) {
                connections.add(Integer.parseInt(c.group(1)));
            }
        }

        private void endNexus() {
            if (sid >= 0) {
                sessions.add(new TgtTarget.Session(sid, connections));
            }
            sid = -1;
            connections.clear();
        }

        private void readLun(String line) {
            Matcher m = LUN.matcher(line);
            if (m.matches()) {
                endLun();
                lun = Integer.parseInt(m.group(1));
                return;
            }
            Matcher f = LUN_FIELD.matcher(line);
            if (lun != null && f.matches()) {
                String value = f.group(2).strip();
                switch (f.group(1)) {
                    case "SCSI SN" -> serial = value;
                    case "Backing store path" -> backing = value.equals("None") || value.isEmpty()
                            ? Optional.empty() : Optional.of(value);
                    default -> {
                        // type, size, flags: not needed
                    }
                }
            }
        }

        private void endLun() {
            if (lun != null) {
                luns.add(new TgtTarget.Lun(lun, serial, backing));
            }
            lun = null;
            serial = "";
            backing = Optional.empty();
        }

        TgtTarget build() {
            endNexus();
            endLun();
            return new TgtTarget(tid, iqn, luns, incoming, outgoing, acl, sessions);
        }
    }
}
