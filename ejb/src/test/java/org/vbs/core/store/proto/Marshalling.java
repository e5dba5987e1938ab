package org.vbs.core.store.proto;

import java.io.IOException;
import org.infinispan.protostream.ProtobufUtil;
import org.infinispan.protostream.SerializationContext;
import org.infinispan.protostream.SerializationContextInitializer;

/** A ProtoStream context with the metadata schema (and any test schemas), and round trips through it. */
final class Marshalling {
    private final SerializationContext context = ProtobufUtil.newSerializationContext();

    Marshalling(SerializationContextInitializer... extra) {
        new MetadataSchemaImpl().register(context);
        for (SerializationContextInitializer initializer : extra) {
            initializer.register(context);
        }
    }

    SerializationContext context() {
        return context;
    }

    /** The bytes of one message, as a field of it is stored (no type name). */
    byte[] write(Object value) throws IOException {
        return ProtobufUtil.toByteArray(context, value);
    }

    <T> T read(byte[] bytes, Class<T> type) throws IOException {
        return ProtobufUtil.fromByteArray(context, bytes, type);
    }

    /** Through the self-describing wrapper (type name + message), as Infinispan stores a cache value. */
    @SuppressWarnings("unchecked")
    <T> T roundTrip(T value) throws IOException {
        return (T) ProtobufUtil.fromWrappedByteArray(context, ProtobufUtil.toWrappedByteArray(context, value));
    }
}
