package org.vbs.core.store.proto;

import java.time.Instant;
import org.infinispan.protostream.annotations.ProtoFactory;
import org.infinispan.protostream.annotations.ProtoField;

/**
 * The stored form of an {@link Instant}: seconds and nanoseconds since the epoch, so a time reads back
 * exactly equal (the records' {@code equals}, and so the store's compare-and-set, depend on it).
 *
 * <p>Our own message rather than an adapter of {@code java.time.Instant}: WildFly's ProtoStream
 * marshaller already registers a marshaller for {@code Instant}, and a second one for the same Java
 * class would silently replace it in the container's serialization context.
 */
public record Timestamp(@ProtoField(number = 1, defaultValue = "0") long seconds,
                        @ProtoField(number = 2, defaultValue = "0") int nanos) {

    @ProtoFactory
    public Timestamp {
        // The canonical constructor is the factory: ProtoStream reads the fields, then calls it.
    }

    public static Timestamp of(Instant instant) {
        return new Timestamp(instant.getEpochSecond(), instant.getNano());
    }

    public Instant toInstant() {
        return Instant.ofEpochSecond(seconds, nanos);
    }
}
