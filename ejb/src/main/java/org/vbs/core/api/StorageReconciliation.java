package org.vbs.core.api;

import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * ReconcileStorage: what an operator asks to compare the volume servers and hypervisor hosts with the
 * metadata. The reconciler finds storage, iSCSI targets and VM devices that no volume, snapshot or
 * attachment accounts for (orphans, e.g. left by a crash the journal could not cover, or made behind
 * VBS's back), and volumes and snapshots whose storage is gone (marked {@code error} with the reason).
 * Whatever an operation in the journal is working on is left alone. For administrators only.
 */
public interface StorageReconciliation {

    /** What is done with orphans: the server's {@code vbs.reconciler.policy}, or the caller's choice. */
    enum Policy {
        /** Orphans are only reported; nothing on a host is touched. */
        REPORT,
        /** Orphans are removed: storage deleted, targets unexported, devices detached. */
        CLEAN;

        public String wireName() {
            return name().toLowerCase(Locale.ROOT);
        }

        public static Optional<Policy> fromWireName(String name) {
            return Stream.of(values()).filter(p -> p.wireName().equals(name)).findFirst();
        }
    }

    /** What was found. */
    enum Kind {
        /** A volume's storage whose volume the metadata does not have. */
        ORPHAN_VOLUME_STORAGE,
        /** A snapshot's storage whose snapshot the metadata does not have. */
        ORPHAN_SNAPSHOT_STORAGE,
        /** An iSCSI target no attachment names. */
        ORPHAN_TARGET,
        /** A VBS volume's device in an instance the volume is not attached to. */
        ORPHAN_DEVICE,
        /** A volume whose storage is gone. */
        MISSING_VOLUME_STORAGE,
        /** A completed snapshot whose storage is gone. */
        MISSING_SNAPSHOT_STORAGE;

        public String wireName() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }
    }

    /** What became of a finding. */
    enum Outcome {
        /** Reported only (policy {@code report}). */
        REPORTED,
        /** Left alone because it changed too recently: its metadata may still be committing. */
        TOO_RECENT,
        /** Removed (policy {@code clean}). */
        CLEANED,
        /** Removing it failed; {@code problem} says why. The next run tries again. */
        CLEAN_FAILED,
        /** The volume or snapshot was marked {@code error}. */
        MARKED_ERROR,
        /** The volume or snapshot changed while it was looked at (an operation began): left as it is. */
        CHANGED;

        public String wireName() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }
    }

    /**
     * One finding. Never a secret: a target by its IQN, a device by instance and name.
     *
     * @param host the host it is on (the volume server, or the hypervisor host of a device)
     * @param resourceId the volume or snapshot id, or the target's IQN
     * @param detail what else identifies it (the volume behind a target, the instance and device name)
     * @param problem why cleaning it failed
     */
    record Finding(String host, Kind kind, String resourceId, String detail, Outcome outcome,
                   Optional<String> problem) {
        public Finding {
            Objects.requireNonNull(host, "host");
            Objects.requireNonNull(kind, "kind");
            Objects.requireNonNull(resourceId, "resourceId");
            Objects.requireNonNull(detail, "detail");
            Objects.requireNonNull(outcome, "outcome");
            Objects.requireNonNull(problem, "problem");
        }
    }

    /**
     * What a run could not look at, and why (a host that did not answer, a driver that cannot list).
     *
     * @param what {@code volume storage}, {@code export targets} or {@code hypervisor devices}
     */
    record Unchecked(String host, String what, String reason) {
    }

    /**
     * One run's report.
     *
     * @param node the service node that ran it
     * @param time when it began
     */
    record Report(String node, Policy policy, Instant time, List<Finding> findings, List<Unchecked> unchecked) {
        public Report {
            findings = List.copyOf(findings);
            unchecked = List.copyOf(unchecked);
        }
    }

    /**
     * Runs the reconciler now, on this node.
     *
     * @param policy what to do with orphans; empty: the server's {@code vbs.reconciler.policy}
     * @throws VbsException UnauthorizedOperation for a caller who is not an administrator (nothing is looked at)
     */
    Report reconcileStorage(RequestContext request, Optional<Policy> policy);
}
