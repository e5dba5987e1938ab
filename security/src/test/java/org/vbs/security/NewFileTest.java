package org.vbs.security;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NewFileTest {
    private static final byte[] CONTENT = "content\n".getBytes(StandardCharsets.US_ASCII);

    @TempDir
    Path dir;

    @Test
    void shouldCreateSecretFilesOwnerOnlyAndTheirDirectoriesOwnerOnly() throws IOException {
        Path secret = dir.resolve("a/b/key.pem");
        Path readable = dir.resolve("a/cert.pem");

        List<Path> created = NewFile.writeAll(List.of(NewFile.secret(secret, CONTENT), NewFile.readable(readable, CONTENT)));

        assertEquals(List.of(secret, readable), created);
        assertArrayEquals(CONTENT, Files.readAllBytes(secret));
        assertEquals("rw-------", FileTree.mode(secret));
        assertEquals("rwx------", FileTree.mode(dir.resolve("a")));
        assertEquals("rwx------", FileTree.mode(dir.resolve("a/b")));
        // 0644, or narrower if the umask says so; never writable by others.
        assertTrue(FileTree.mode(readable).startsWith("rw-"));
        assertFalse(FileTree.mode(readable).substring(3).contains("w"));
    }

    @Test
    void shouldRefuseToOverwriteAndRemoveWhatItCreatedBefore() throws IOException {
        Path existing = Files.writeString(dir.resolve("existing.pem"), "operator's");
        Map<String, String> before = FileTree.snapshot(dir);

        SecurityConfigException e = assertThrows(SecurityConfigException.class, () -> NewFile.writeAll(List.of(
                NewFile.readable(dir.resolve("new/first.pem"), CONTENT), NewFile.secret(existing, CONTENT))));

        assertEquals(existing, e.file());
        assertTrue(e.getMessage().contains("refusing to overwrite"), e.getMessage());
        assertEquals(before, FileTree.snapshot(dir));
    }

    @Test
    void shouldReplaceAFileWholeWithTheNewModeAndLeaveNoTemporaryFile() throws IOException {
        Path proxy = Files.writeString(dir.resolve("x509up_u1000"), "old proxy");

        NewFile.secret(proxy, CONTENT).replace();

        assertArrayEquals(CONTENT, Files.readAllBytes(proxy));
        assertEquals("rw-------", FileTree.mode(proxy));
        assertEquals(java.util.Set.of("", "x509up_u1000"), FileTree.snapshot(dir).keySet(), "no temporary file left");
    }

    @Test
    void shouldLeaveTheTargetAsItWasWhenItCannotReplaceIt() throws IOException {
        Path directoryInTheWay = Files.createDirectories(dir.resolve("x509up_u1000/inside"));
        Map<String, String> before = FileTree.snapshot(dir);

        SecurityConfigException e = assertThrows(SecurityConfigException.class,
                () -> NewFile.secret(directoryInTheWay.getParent(), CONTENT).replace());

        assertEquals(directoryInTheWay.getParent(), e.file());
        assertTrue(e.getMessage().contains("cannot replace"), e.getMessage());
        assertEquals(before, FileTree.snapshot(dir));
    }
}
