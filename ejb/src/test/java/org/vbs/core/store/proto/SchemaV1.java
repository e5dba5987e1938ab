package org.vbs.core.store.proto;

import org.infinispan.protostream.GeneratedSchema;
import org.infinispan.protostream.annotations.ProtoSchema;

/** Test only: the "older version" schema of {@link VolumeRecordV1}; not a service (nothing loads it by accident). */
@ProtoSchema(
        schemaPackageName = "vbs.metadata.v1",
        schemaFileName = "vbs-metadata-v1-test.proto",
        dependsOn = MetadataSchema.class,
        includeClasses = VolumeRecordV1.class,
        service = false)
public interface SchemaV1 extends GeneratedSchema {
}
