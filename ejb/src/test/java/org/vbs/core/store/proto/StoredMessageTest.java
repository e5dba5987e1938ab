package org.vbs.core.store.proto;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InvalidObjectException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.infinispan.protostream.WrappedMessage;
import org.infinispan.protostream.impl.TagWriterImpl;
import org.junit.jupiter.api.Test;
import org.vbs.core.api.SnapshotState;
import org.vbs.core.api.VolumeState;
import org.vbs.core.domain.ResourceKind;
import org.vbs.core.domain.SnapshotRecord;
import org.vbs.core.domain.VolumeRecord;
import org.vbs.core.host.RegisteredHost;
import org.vbs.core.store.OwnedIds;
import org.vbs.core.store.OwnerKey;
import org.vbs.core.store.TokenEntry;
import org.vbs.core.store.TokenKey;

/**
 * What the server's JBOSS marshaller (Java serialization semantics) writes of every stored key and
 * value is its ProtoStream message, through the one proxy {@link StoredMessage}, and it reads back
 * equal; an older version's message reads back with the newer field at its default.
 */
class StoredMessageTest {
    private static final Instant T = Instant.parse("2025-01-02T03:04:05.123456789Z");
    private static final String OWNER = "CN=Jane,O=Grid";

    @Test
    void shouldSerializeEveryStoredTypeAsItsMessageAndReadItBackEqual() throws Exception {
        VolumeRecord volume = new VolumeRecord("vol-0123456789abcdef1", OWNER, "local", 16_384,
                Optional.of("snap-0123456789abcdef0"), VolumeState.ERROR, Optional.of("the copy failed"), T,
                Map.of("name", "data"), Optional.of("token-1"), Optional.empty(), 7);
        List<Serializable> values = List.of(
                volume,
                VolumeRecord.creating("vol-0123456789abcdef0", OWNER, "local", 1, Optional.empty(), Map.of(), Optional.empty(), T),
                SnapshotRecord.pending("snap-0123456789abcdef0", OWNER, volume, "", T),
                new SnapshotRecord("snap-0123456789abcdef1", OWNER, "local", volume.id(), 8, "nightly", SnapshotState.ERROR, 7,
                        Optional.of("disk full"), T, 9),
                new OwnerKey(OWNER, ResourceKind.SNAPSHOT),
                OwnedIds.of(List.of("vol-0123456789abcdef1", "vol-0123456789abcdef0")),
                OwnedIds.NONE,
                new TokenKey(OWNER, "token-1"),
                new TokenEntry("vol-0123456789abcdef0", "ab12"),
                new RegisteredHost("vs2", Map.of("volume.driver", "file", "volume.pool", "/srv/pool")));
        for (Serializable value : values) {
            byte[] serialized = serialize(value);
            // the stream holds the proxy, never the record's own class
            String stream = new String(serialized, StandardCharsets.ISO_8859_1);
            assertTrue(stream.contains(StoredMessage.class.getName()), value.toString());
            assertFalse(stream.contains(value.getClass().getName()), value.toString());
            assertEquals(value, deserialize(serialized));
        }
    }

    @Test
    void shouldReadAnOlderVersionsMessageWithTheNewFieldAtItsDefault() throws Exception {
        // given the message an older version stored: a VolumeRecord without field 9 (clientToken)
        Marshalling older = new Marshalling(new SchemaV1Impl());
        VolumeRecordV1 old = new VolumeRecordV1("vol-0123456789abcdef0", OWNER, 4, null, VolumeState.AVAILABLE,
                null, Timestamp.of(T), List.of(), 2);
        byte[] message = wrapped(MetadataSchema.PACKAGE + ".VolumeRecord", older.write(old));

        // when this version reads it
        Object read = StoredMessage.fromMessage(message);

        // then the record is complete and the new field is absent
        assertEquals(new VolumeRecord("vol-0123456789abcdef0", OWNER, "local", 4, Optional.empty(), VolumeState.AVAILABLE,
                Optional.empty(), T, Map.of(), Optional.empty(), Optional.empty(), 2), read);
    }

    @Test
    void shouldRefuseAStreamWhoseMessageIsNoStoredType() throws Exception {
        // given a stored OwnerKey whose message names a type the schema does not have
        byte[] serialized = serialize(new OwnerKey(OWNER, ResourceKind.VOLUME));
        byte[] tampered = replace(serialized, bytes("vbs.metadata.OwnerKey"), bytes("vbs.metadata.OwnerKez"));

        // when it is read, then the failure says what it is
        InvalidObjectException failure = assertThrows(InvalidObjectException.class, () -> deserialize(tampered));
        assertTrue(failure.getMessage().startsWith("not a vbs-metadata.proto message: "), failure.getMessage());
        assertTrue(failure.getMessage().contains("vbs.metadata.OwnerKez"), failure.getMessage());
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    /** A WrappedMessage by hand: the type name (field 1) and the message bytes (field 17). */
    private static byte[] wrapped(String typeName, byte[] message) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        TagWriterImpl writer = TagWriterImpl.newInstance(new Marshalling().context(), bytes);
        writer.writeString(WrappedMessage.WRAPPED_DESCRIPTOR_FULL_NAME, typeName);
        writer.writeBytes(WrappedMessage.WRAPPED_MESSAGE, message);
        writer.flush();
        return bytes.toByteArray();
    }

    /** The stream with the first occurrence of {@code from} replaced by {@code to} (same length). */
    private static byte[] replace(byte[] stream, byte[] from, byte[] to) {
        if (from.length != to.length) {
            throw new IllegalArgumentException("the arrays must have one length: " + from.length + " " + to.length);
        }
        for (int i = 0; i + from.length <= stream.length; i++) {
            if (Arrays.equals(stream, i, i + from.length, from, 0, from.length)) {
                byte[] copy = stream.clone();
                System.arraycopy(to, 0, copy, i, to.length);
                return copy;
            }
        }
        throw new IllegalArgumentException("the stream does not hold the message");
    }

    private static byte[] serialize(Object value) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(value);
        }
        return bytes.toByteArray();
    }

    private static Object deserialize(byte[] bytes) throws IOException, ClassNotFoundException {
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes))) {
            return in.readObject();
        }
    }
}
