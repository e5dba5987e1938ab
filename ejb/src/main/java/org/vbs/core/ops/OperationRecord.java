package org.vbs.core.ops;

import java.io.Serial;
import java.io.Serializable;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.vbs.core.store.proto.StoredMessage;

/**
 * One running operation as the journal (the replicated, persistent {@code operations} cache) keeps it.
 * Written before the first step and after every step, so a node that takes it over knows which steps
 * are done: steps {@code 0 .. stepsDone-1} are, step {@code stepsDone} may have begun.
 *
 * @param id the operation's id ({@code op-} + 17 hex digits)
 * @param resourceId the volume or snapshot the operation is about
 * @param owner the DN the resource belongs to
 * @param node the service node running it; only that node acts on it while its lease lasts
 * @param stepsDone how many of the plan's steps are done
 * @param phase running forward, or rolling back (then {@code failure} says why)
 * @param leaseExpiry until when {@code node} holds it; after that another node may take it over
 * @param parameters what the steps need to run again after a restart (sizes, hosts, source ids)
 * @param failure why it is rolling back
 * @param version for compare-and-set, as the other records
 * @param epoch how many times a node took it over from another (or from its own earlier run): a node acts
 *        on the record only while the journal still holds the epoch it took it at, so one that was frozen
 *        or cut off past its lease finds it changed and stops (fencing)
 */
public record OperationRecord(String id, OperationKind kind, String resourceId, String owner, String node,
                              int stepsDone, Phase phase, Instant leaseExpiry, Map<String, String> parameters,
                              Optional<String> failure, long version, long epoch) implements Serializable {

    /** Forward, or back. */
    public enum Phase {
        RUNNING,
        ROLLING_BACK
    }

    public OperationRecord {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(resourceId, "resourceId");
        Objects.requireNonNull(owner, "owner");
        Objects.requireNonNull(node, "node");
        Objects.requireNonNull(phase, "phase");
        Objects.requireNonNull(leaseExpiry, "leaseExpiry");
        Objects.requireNonNull(failure, "failure");
        parameters = Map.copyOf(parameters);
        if (stepsDone < 0) {
            throw new IllegalArgumentException("stepsDone must not be negative: " + stepsDone);
        }
    }

    /** A new operation whose first step (the claim) commits with this record. */
    public static OperationRecord started(String id, OperationKind kind, String resourceId, String owner, String node,
                                          Instant leaseExpiry, Map<String, String> parameters) {
        return new OperationRecord(id, kind, resourceId, owner, node, 1, Phase.RUNNING, leaseExpiry, parameters,
                Optional.empty(), 0, 0);
    }

    public String parameter(String name) {
        String value = parameters.get(name);
        if (value == null) {
            throw new IllegalStateException("operation " + id + " (" + kind + ") has no parameter " + name);
        }
        return value;
    }

    public OperationRecord stepDone(int done, Instant lease) {
        return stepDone(done, lease, Map.of());
    }

    /** The next version with {@code done} steps done and the parameters a step produced added. */
    public OperationRecord stepDone(int done, Instant lease, Map<String, String> produced) {
        Map<String, String> next = new HashMap<>(parameters);
        next.putAll(produced);
        return new OperationRecord(id, kind, resourceId, owner, node, done, phase, lease, next, failure,
                version + 1, epoch);
    }

    public OperationRecord rollingBack(String reason, Instant lease) {
        return new OperationRecord(id, kind, resourceId, owner, node, stepsDone, Phase.ROLLING_BACK, lease, parameters,
                Optional.of(reason), version + 1, epoch);
    }

    public OperationRecord renewed(Instant lease) {
        return new OperationRecord(id, kind, resourceId, owner, node, stepsDone, phase, lease, parameters, failure,
                version + 1, epoch);
    }

    /** The next version, held by {@code newNode} in a new epoch. */
    public OperationRecord takenOverBy(String newNode, Instant lease) {
        return new OperationRecord(id, kind, resourceId, owner, newNode, stepsDone, phase, lease, parameters, failure,
                version + 1, epoch + 1);
    }

    /** Whether {@code other} is this operation held by the same node in the same epoch. */
    public boolean sameHolding(OperationRecord other) {
        return id.equals(other.id) && node.equals(other.node) && epoch == other.epoch;
    }

    public boolean leaseExpiredAt(Instant now) {
        return !leaseExpiry.isAfter(now);
    }

    @Override
    public String toString() {
        return kind + " " + id + " of " + resourceId + " (step " + stepsDone + ", " + phase + ", node " + node
                + ", epoch " + epoch + ")";
    }

    /** Serialized as its ProtoStream message (see {@link StoredMessage}). */
    @Serial
    private Object writeReplace() {
        return StoredMessage.of(this);
    }
}
