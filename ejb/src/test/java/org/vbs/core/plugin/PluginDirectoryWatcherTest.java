package org.vbs.core.plugin;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Real files in a real directory; each look is made by the test, so what a look reports is exact. */
class PluginDirectoryWatcherTest {
    @TempDir
    Path plugins;

    private PluginDirectoryWatcher watcher;
    private final List<String> events = new ArrayList<>();

    private final PluginDirectoryWatcher.Listener recorder = new PluginDirectoryWatcher.Listener() {
        @Override
        public void added(Path jar) {
            events.add("added " + jar.getFileName());
        }

        @Override
        public void changed(Path jar) {
            events.add("changed " + jar.getFileName());
        }

        @Override
        public void removed(Path jar) {
            events.add("removed " + jar.getFileName());
        }
    };

    @BeforeEach
    void watcher() {
        watcher = new PluginDirectoryWatcher(plugins);
    }

    /** One look; returns what it reported. */
    private List<String> look() throws IOException {
        events.clear();
        watcher.scan(recorder);
        return List.copyOf(events);
    }

    /** Writes elsewhere, then renames over the name: how operators are told to put a jar. */
    private void renameInto(String name, String content) throws IOException {
        Path part = plugins.resolve("." + name + ".part");
        Files.writeString(part, content);
        Files.move(part, plugins.resolve(name), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    @Test
    void shouldTakeTheJarsPresentAtStartAsReported() throws IOException {
        Files.writeString(plugins.resolve("b.jar"), "b");
        Files.writeString(plugins.resolve("a.jar"), "a");
        Files.writeString(plugins.resolve("notes.txt"), "not a jar");

        assertEquals(List.of(plugins.resolve("a.jar"), plugins.resolve("b.jar")), watcher.takeAll());
        assertEquals(List.of(), look());
        assertEquals(List.of(), look());
    }

    @Test
    void shouldReportAJarAddedOnceTwoLooksAgree() throws IOException {
        watcher.takeAll();
        renameInto("a.jar", "content");

        assertEquals(List.of(), look(), "first look: not yet known to be complete");
        assertEquals(List.of("added a.jar"), look());
        assertEquals(List.of(), look(), "reported once only");
    }

    @Test
    void shouldReportAJarReplacedByRenameEvenWithTheSameSizeAndTime() throws IOException {
        renameInto("a.jar", "version 1");
        watcher.takeAll();
        Path jar = plugins.resolve("a.jar");
        var time = Files.getLastModifiedTime(jar);

        renameInto("a.jar", "version 2");
        Files.setLastModifiedTime(jar, time);

        assertEquals(List.of(), look());
        assertEquals(List.of("changed a.jar"), look());
        assertEquals(List.of(), look());
    }

    @Test
    void shouldReportAJarDeletedAtOnce() throws IOException {
        Files.writeString(plugins.resolve("a.jar"), "a");
        watcher.takeAll();

        Files.delete(plugins.resolve("a.jar"));

        assertEquals(List.of("removed a.jar"), look());
        assertEquals(List.of(), look());
    }

    /**
     * A writer that stalls longer than a look interval is taken half-written: the plugin host then
     * refuses that jar (not a readable, signed jar) and takes it again once it changes.
     */
    @Test
    void shouldNotReportAJarWhileItIsStillBeingWritten() throws IOException {
        watcher.takeAll();
        Path jar = plugins.resolve("a.jar");
        try (OutputStream out = Files.newOutputStream(jar, StandardOpenOption.CREATE_NEW)) {
            for (int part = 0; part < 3; part++) {
                out.write(new byte[1024]);
                out.flush();
                assertEquals(List.of(), look(), "half-written (" + Files.size(jar) + " bytes) reported");
            }
        }
        assertEquals(List.of("added a.jar"), look(), "finished: two looks agree");
        assertEquals(3 * 1024, Files.size(jar));
    }

    @Test
    void shouldIgnoreHiddenAndNonJarFilesAndDirectories() throws IOException {
        watcher.takeAll();
        Files.writeString(plugins.resolve(".a.jar"), "hidden: a copy tool's temporary file");
        Files.writeString(plugins.resolve("a.jar.part"), "not a jar name");
        Files.createDirectory(plugins.resolve("dir.jar"));

        assertEquals(List.of(), look());
        assertEquals(List.of(), look());
    }

    @Test
    void shouldReportAJarRemovedAndPutBackAsRemovedThenAdded() throws IOException {
        Files.writeString(plugins.resolve("a.jar"), "a");
        watcher.takeAll();

        Files.delete(plugins.resolve("a.jar"));
        assertEquals(List.of("removed a.jar"), look());
        renameInto("a.jar", "a");
        assertEquals(List.of(), look());
        assertEquals(List.of("added a.jar"), look());
    }

    @Test
    void shouldReportEveryJarGoneWhenTheDirectoryIsRemoved() throws IOException {
        Files.writeString(plugins.resolve("a.jar"), "a");
        Files.writeString(plugins.resolve("b.jar"), "b");
        watcher.takeAll();

        Files.delete(plugins.resolve("a.jar"));
        Files.delete(plugins.resolve("b.jar"));
        Files.delete(plugins);

        assertEquals(List.of("removed a.jar", "removed b.jar"), look());
    }
}
