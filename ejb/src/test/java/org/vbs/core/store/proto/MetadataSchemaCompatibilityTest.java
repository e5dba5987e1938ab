package org.vbs.core.store.proto;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.infinispan.protostream.FileDescriptorSource;
import org.infinispan.protostream.ProtobufUtil;
import org.infinispan.protostream.SerializationContext;
import org.infinispan.protostream.descriptors.FileDescriptor;
import org.junit.jupiter.api.Test;

/**
 * The current schema is compatible with every released one (src/test/resources/.../released/): no
 * field renumbered, retyped or removed without reserving its number and name. ProtoStream's own
 * check, strict mode, as a server applies it when a schema file is registered again.
 */
class MetadataSchemaCompatibilityTest {

    @Test
    void shouldStayCompatibleWithEveryReleasedSchema() throws Exception {
        List<Path> released = releasedSchemas();
        assertFalse(released.isEmpty(), "no released schema to check against");
        FileDescriptor current = current();
        for (Path file : released) {
            // throws naming every incompatible change
            parse(file.getFileName().toString(), Files.readString(file)).checkCompatibility(current, true);
        }
    }

    @Test
    void shouldCatchARenumberedField() throws Exception {
        // Guards the test above: the check must see a change the rules forbid.
        String released = Files.readString(releasedSchemas().get(0));
        String renumbered = released.replace("optional string clientToken = 9;", "optional string clientToken = 11;");
        assertNotEquals(released, renumbered, "the released schema has no clientToken = 9 to renumber");
        FileDescriptor changed = parse(MetadataSchema.FILE, renumbered);
        RuntimeException failure = assertThrows(RuntimeException.class,
                () -> parse("released.proto", released).checkCompatibility(changed, true));
        assertTrue(failure.getMessage().contains("vbs.metadata.VolumeRecord.clientToken"), failure.getMessage());
    }

    @Test
    void shouldCatchARemovedFieldThatIsNotReserved() throws Exception {
        String released = Files.readString(releasedSchemas().get(0));
        String removed = released.replace("optional string stateReason = 8;", "");
        assertNotEquals(released, removed, "the released schema has no stateReason = 8 to remove");
        RuntimeException failure = assertThrows(RuntimeException.class,
                () -> parse("released.proto", released).checkCompatibility(parse(MetadataSchema.FILE, removed), true));
        assertTrue(failure.getMessage().contains("vbs.metadata.SnapshotRecord.stateReason"), failure.getMessage());
    }

    private static FileDescriptor current() {
        SerializationContext context = ProtobufUtil.newSerializationContext();
        new MetadataSchemaImpl().register(context);
        return context.getFileDescriptors().get(MetadataSchema.FILE);
    }

    private static FileDescriptor parse(String name, String text) {
        SerializationContext context = ProtobufUtil.newSerializationContext();
        context.registerProtoFiles(FileDescriptorSource.fromString(name, text));
        return context.getFileDescriptors().get(name);
    }

    private static List<Path> releasedSchemas() throws IOException, URISyntaxException {
        Path dir = Path.of(MetadataSchemaCompatibilityTest.class.getResource("released").toURI());
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(f -> f.toString().endsWith(".proto")).sorted().toList();
        }
    }
}
