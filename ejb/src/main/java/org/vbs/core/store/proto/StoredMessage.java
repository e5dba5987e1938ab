package org.vbs.core.store.proto;

import java.io.IOException;
import java.io.InvalidObjectException;
import java.io.ObjectStreamException;
import java.io.Serial;
import java.io.Serializable;
import java.io.UncheckedIOException;
import org.infinispan.protostream.ImmutableSerializationContext;
import org.infinispan.protostream.ProtobufUtil;
import org.infinispan.protostream.SerializationContext;

/**
 * The one serialization proxy of every stored key and value: the value as a self-describing
 * ProtoStream message of {@link MetadataSchema} (type name + fields), so what the cache container's
 * JBoss Marshalling writes to the replicas and the file stores is protobuf, and evolves by the
 * schema's rules (package-info), not by Java serialization's.
 *
 * <p>Each stored record returns {@code StoredMessage.of(this)} from its {@code writeReplace()};
 * this class's {@link #readResolve()} turns the message back into the record. Its own serialized
 * shape (this class name, one byte array) must never change.
 */
public final class StoredMessage implements Serializable {
    @Serial
    private static final long serialVersionUID = 1L;

    /** Immutable once the schema is registered; shared by every thread. */
    private static final ImmutableSerializationContext CONTEXT = newContext();

    private final byte[] message;

    private StoredMessage(byte[] message) {
        this.message = message;
    }

    /** The proxy of a stored value: its message, marshalled now. */
    public static StoredMessage of(Object value) {
        return new StoredMessage(toMessage(value));
    }

    /** The self-describing message of a stored value (type name + fields). */
    public static byte[] toMessage(Object value) {
        try {
            return ProtobufUtil.toWrappedByteArray(CONTEXT, value);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot marshal " + value.getClass().getName() + " with " + MetadataSchema.FILE, e);
        }
    }

    /** A stored value back from its message. */
    public static Object fromMessage(byte[] message) throws IOException {
        return ProtobufUtil.fromWrappedByteArray(CONTEXT, message);
    }

    @Serial
    private Object readResolve() throws ObjectStreamException {
        try {
            return fromMessage(message);
        } catch (IOException | RuntimeException e) {
            InvalidObjectException invalid = new InvalidObjectException("not a " + MetadataSchema.FILE + " message: " + e);
            invalid.initCause(e);
            throw invalid;
        }
    }

    private static ImmutableSerializationContext newContext() {
        SerializationContext context = ProtobufUtil.newSerializationContext();
        new MetadataSchemaImpl().register(context);
        return context;
    }
}
