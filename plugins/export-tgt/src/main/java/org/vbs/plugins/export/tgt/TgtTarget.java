package org.vbs.plugins.export.tgt;

import java.util.List;
import java.util.Optional;

/**
 * One target as {@code tgtadm --mode target --op show} lists it.
 *
 * @param tid tgt's numeric target id
 * @param iqn the target's name
 * @param luns its logical units (tgt always adds LUN 0, the controller)
 * @param incomingUsers the CHAP accounts an initiator logs in with
 * @param outgoingUsers the accounts the target answers mutual CHAP with (tgt allows one)
 * @param acl the initiator addresses and names admitted
 * @param sessions its logged-in sessions (I_T nexuses) and their connections
 */
public record TgtTarget(int tid, String iqn, List<Lun> luns, List<String> incomingUsers, List<String> outgoingUsers,
                        List<String> acl, List<Session> sessions) {
    public TgtTarget {
        luns = List.copyOf(luns);
        incomingUsers = List.copyOf(incomingUsers);
        outgoingUsers = List.copyOf(outgoingUsers);
        acl = List.copyOf(acl);
        sessions = List.copyOf(sessions);
    }

    public Optional<Lun> lun(int number) {
        return luns.stream().filter(l -> l.number() == number).findFirst();
    }

    /** Every account bound to the target, incoming and outgoing. */
    public List<String> users() {
        return java.util.stream.Stream.concat(incomingUsers.stream(), outgoingUsers.stream()).toList();
    }

    /**
     * One I_T nexus: a session of an initiator.
     *
     * @param sid tgt's session id ({@code I_T nexus: N})
     * @param connections its connection ids ({@code Connection: N})
     */
    public record Session(long sid, List<Integer> connections) {
        public Session {
            connections = List.copyOf(connections);
        }
    }

    /**
     * One logical unit.
     *
     * @param serial its SCSI serial ({@code SCSI SN})
     * @param backingPath its backing store; empty for LUN 0 ({@code None})
     */
    public record Lun(int number, String serial, Optional<String> backingPath) {
    }
}
