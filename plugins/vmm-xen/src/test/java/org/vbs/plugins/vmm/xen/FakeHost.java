package org.vbs.plugins.vmm.xen;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Properties;

/**
 * What the fake dom0 tools ({@link FakeXl}, {@link FakeIscsiadm}, {@link FakeXenstoreRead}) share:
 * the directory a test made for them ({@code -Dvbs.fake.dir}), holding
 * <ul>
 *   <li>{@code scenario.properties}, written by the test: which domains exist, the fake targets'
 *       CHAP accounts, failures to inject per verb, canned listings;</li>
 *   <li>{@code state.properties}, kept by the fakes: node records, sessions, the domains' disks;</li>
 *   <li>{@code calls.jsonl}, one JSON line per call: {@code {"argv":[...],"stdin":"..."}};</li>
 *   <li>{@code by-path/}, where a fake login makes the LUN's "device" (a regular file).</li>
 * </ul>
 * A call holds an exclusive lock on the directory for its whole run, so concurrent calls see each
 * other's state as real tools would see the host's.
 */
final class FakeHost implements AutoCloseable {
    static final String DIR_PROPERTY = "vbs.fake.dir";
    /** The program name the driver ran (e.g. an operator's {@code /usr/local/sbin/xl}), recorded as argv[0]. */
    static final String PROGRAM_PROPERTY = "vbs.fake.program";

    final Path dir;
    final Properties scenario = new Properties();
    final Properties state = new Properties();
    final PrintStream out;
    final PrintStream err;
    private final FileChannel lockChannel;
    private final FileLock lock;

    private FakeHost(Path dir) throws IOException {
        this.dir = dir;
        this.out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        this.err = new PrintStream(System.err, true, StandardCharsets.UTF_8);
        this.lockChannel = FileChannel.open(dir.resolve("lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        this.lock = lockChannel.lock();
        load(dir.resolve("scenario.properties"), scenario);
        load(dir.resolve("state.properties"), state);
    }

    /** Opens the directory named by {@value #DIR_PROPERTY}, records the call, and holds the lock. */
    static FakeHost open(String tool, String[] args) throws IOException {
        FakeHost host = new FakeHost(Path.of(System.getProperty(DIR_PROPERTY)));
        byte[] stdin;
        try (InputStream in = System.in) {
            stdin = in.readAllBytes();
        }
        StringBuilder line = new StringBuilder("{\"argv\":[").append(json(System.getProperty(PROGRAM_PROPERTY, tool)));
        for (String arg : args) {
            line.append(',').append(json(arg));
        }
        line.append("],\"stdin\":").append(json(new String(stdin, StandardCharsets.UTF_8))).append("}\n");
        Files.writeString(host.dir.resolve("calls.jsonl"), line, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                StandardOpenOption.APPEND);
        return host;
    }

    /** The exit code and message the scenario injects for {@code verb}, if any, printed on stderr. */
    Integer injected(String tool, String verb) {
        String code = scenario.getProperty("fail." + tool + "." + verb);
        if (code == null) {
            return null;
        }
        err.println(scenario.getProperty("fail." + tool + "." + verb + ".message", tool + ": injected failure"));
        return Integer.valueOf(code);
    }

    List<String> domains() {
        String list = scenario.getProperty("domains", "");
        return list.isBlank() ? List.of() : List.of(list.split(","));
    }

    Path deviceDir() {
        return dir.resolve("by-path");
    }

    void save() {
        try (Writer out = Files.newBufferedWriter(dir.resolve("state.properties"), StandardCharsets.UTF_8)) {
            state.store(out, null);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() throws IOException {
        lock.release();
        lockChannel.close();
    }

    static int main(String tool, String[] args, Tool body) {
        try (FakeHost host = open(tool, args)) {
            return body.run(host, args);
        } catch (IOException | RuntimeException e) {
            e.printStackTrace();
            return 99;
        }
    }

    /** A fake tool's behaviour. */
    interface Tool {
        int run(FakeHost host, String[] args) throws IOException;
    }

    private static void load(Path file, Properties into) throws IOException {
        if (Files.exists(file)) {
            try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                into.load(in);
            }
        }
    }

    static String json(String text) {
        StringBuilder s = new StringBuilder("\"");
        for (char c : text.toCharArray()) {
            switch (c) {
                case '"' -> s.append("\\\"");
                case '\\' -> s.append("\\\\");
                case '\n' -> s.append("\\n");
                case '\r' -> s.append("\\r");
                case '\t' -> s.append("\\t");
                default -> {
                    if (c < 0x20) {
                        s.append(String.format("\\u%04x", (int) c));
                    } else {
                        s.append(c);
                    }
                }
            }
        }
        return s.append('"').toString();
    }
}
