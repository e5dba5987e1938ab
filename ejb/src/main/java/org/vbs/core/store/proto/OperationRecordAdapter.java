package org.vbs.core.store.proto;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.infinispan.protostream.annotations.ProtoAdapter;
import org.infinispan.protostream.annotations.ProtoFactory;
import org.infinispan.protostream.annotations.ProtoField;
import org.infinispan.protostream.annotations.ProtoName;
import org.vbs.core.ops.OperationKind;
import org.vbs.core.ops.OperationRecord;

/**
 * The stored form of {@link OperationRecord} (the operation journal): message
 * {@code vbs.metadata.OperationRecord}; its parameters are a repeated {@link Tag}. Field numbers are
 * forever: see package-info.
 */
@ProtoAdapter(OperationRecord.class)
@ProtoName("OperationRecord")
public final class OperationRecordAdapter {

    @ProtoFactory
    OperationRecord create(String id, OperationKind kind, String resourceId, String owner, String node,
                           int stepsDone, OperationRecord.Phase phase, Timestamp leaseExpiry, List<Tag> parameters,
                           String failure, long version, long epoch) {
        return new OperationRecord(id, kind, resourceId, owner, node, stepsDone, phase,
                Objects.requireNonNull(leaseExpiry, "leaseExpiry").toInstant(), Tag.mapOf(parameters),
                Optional.ofNullable(failure), version, epoch);
    }

    @ProtoField(number = 1)
    String getId(OperationRecord r) {
        return r.id();
    }

    @ProtoField(number = 2)
    OperationKind getKind(OperationRecord r) {
        return r.kind();
    }

    @ProtoField(number = 3)
    String getResourceId(OperationRecord r) {
        return r.resourceId();
    }

    @ProtoField(number = 4)
    String getOwner(OperationRecord r) {
        return r.owner();
    }

    @ProtoField(number = 5)
    String getNode(OperationRecord r) {
        return r.node();
    }

    @ProtoField(number = 6, defaultValue = "0")
    int getStepsDone(OperationRecord r) {
        return r.stepsDone();
    }

    @ProtoField(number = 7)
    OperationRecord.Phase getPhase(OperationRecord r) {
        return r.phase();
    }

    @ProtoField(number = 8)
    Timestamp getLeaseExpiry(OperationRecord r) {
        return Timestamp.of(r.leaseExpiry());
    }

    /** Sorted by key, so equal records always marshal to equal bytes. */
    @ProtoField(number = 9, collectionImplementation = ArrayList.class)
    List<Tag> getParameters(OperationRecord r) {
        return Tag.listOf(r.parameters());
    }

    @ProtoField(number = 10)
    String getFailure(OperationRecord r) {
        return r.failure().orElse(null);
    }

    @ProtoField(number = 11, defaultValue = "0")
    long getVersion(OperationRecord r) {
        return r.version();
    }

    /** Added after 0.1.0: a record written before reads as epoch 0. */
    @ProtoField(number = 12, defaultValue = "0")
    long getEpoch(OperationRecord r) {
        return r.epoch();
    }
}
