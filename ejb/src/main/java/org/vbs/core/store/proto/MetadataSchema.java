package org.vbs.core.store.proto;

import org.infinispan.protostream.GeneratedSchema;
import org.infinispan.protostream.annotations.ProtoSchema;

/**
 * The schema of everything the metadata caches hold: package {@code vbs.metadata}, file
 * {@code vbs-metadata.proto}. The annotation processor generates {@code MetadataSchemaImpl} (the
 * marshallers and the schema text, also written to {@code proto/vbs-metadata.proto} in the jar) and
 * its {@code META-INF/services/org.infinispan.protostream.SerializationContextInitializer} entry,
 * through which WildFly finds it (the deployment is in the "vbs" container's {@code modules}).
 *
 * <p>A new stored type: write its adapter (see package-info) and add it to {@code includeClasses}.
 */
@ProtoSchema(
        schemaPackageName = MetadataSchema.PACKAGE,
        schemaFileName = MetadataSchema.FILE,
        schemaFilePath = "proto",
        includeClasses = {
            Timestamp.class,
            Tag.class,
            VolumeStateAdapter.class,
            SnapshotStateAdapter.class,
            ResourceKindAdapter.class,
            VolumeRecordAdapter.class,
            SnapshotRecordAdapter.class,
            OwnerKeyAdapter.class,
            OwnedIdsAdapter.class,
            TokenKeyAdapter.class,
            TokenEntryAdapter.class,
            AttachmentStatusAdapter.class,
            AttachmentAdapter.class,
            OperationKindAdapter.class,
            OperationPhaseAdapter.class,
            OperationRecordAdapter.class,
            RegisteredHostAdapter.class,
        })
public interface MetadataSchema extends GeneratedSchema {
    /** The proto package of every message and enum of the metadata. */
    String PACKAGE = "vbs.metadata";
    /** The schema file's name in a serialization context. */
    String FILE = "vbs-metadata.proto";
}
