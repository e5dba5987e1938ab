package org.vbs.plugins.vmm.xen;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import jakarta.json.JsonString;
import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Stream;
import org.vbs.plugins.spi.DriverConfig;
import org.vbs.plugins.spi.DriverException;
import org.vbs.plugins.spi.export.ExportedTarget;
import org.vbs.plugins.spi.hypervisor.HypervisorDriver;
import org.vbs.plugins.testkit.HypervisorTestTarget;

/**
 * One test's fake dom0: the directory the fakes share ({@link FakeHost}), the scenario the test
 * writes into it (domains, fake targets, failures), and readers of what the fakes recorded: the
 * calls, and what is left on the "host" (node records, sessions, domain disks, LUN devices).
 */
final class FakeDom0 {
    static final String PORTAL = "127.0.0.1:3260";
    private static final String ALNUM = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";

    final Path dir;
    private final Properties scenario = new Properties();

    FakeDom0(Path dir) throws IOException {
        this.dir = Files.createDirectories(dir);
        Files.createDirectories(deviceDir());
        store();
    }

    Path deviceDir() {
        return dir.resolve("by-path");
    }

    /**
     * A driver on this fake dom0: its device directory is the fakes' {@code by-path/}, it polls every
     * 20 ms for at most 1.5 s, and (an operator override) it checks the device with {@code test -e},
     * since a fake LUN device is a regular file, which the default {@code test -b} rightly refuses.
     */
    HypervisorDriver driver(Map<String, String> properties, Map<String, String> overrides) throws DriverException {
        Map<String, String> all = new HashMap<>(Map.of(XenSettings.DEVICE_DIR, deviceDir().toString(),
                XenSettings.DEVICE_POLL_MILLIS, "20", XenSettings.DEVICE_TIMEOUT_MILLIS, "1500"));
        all.putAll(properties);
        Map<String, String> templates = new HashMap<>(Map.of("deviceCheckCmd", "test -e <dev>"));
        templates.putAll(overrides);
        return new XenDriverFactory().create(new DriverConfig("dom0-fake", all, templates), shell());
    }

    HypervisorDriver driver() throws DriverException {
        return driver(Map.of(), Map.of());
    }

    FakeToolsShell shell() {
        return new FakeToolsShell(dir);
    }

    /** A running domain with a fresh name. */
    String startDomain() {
        String name = "vm-" + random(8).toLowerCase();
        String domains = scenario.getProperty("domains", "");
        set("domains", domains.isEmpty() ? name : domains + "," + name);
        return name;
    }

    /** The domain is destroyed: xl no longer knows it. */
    void destroyDomain(String name) {
        List<String> left = new ArrayList<>(List.of(scenario.getProperty("domains", "").split(",")));
        left.remove(name);
        set("domains", String.join(",", left));
    }

    /** A fake target for a fresh volume, with a CHAP account and an ACL admitting {@code initiator}. */
    HypervisorTestTarget newTarget(String initiator) {
        String volumeId = "vol-" + hex(17);
        String iqn = XenSettings.DEFAULT_IQN_PREFIX + volumeId;
        String user = "user-" + random(6);
        String secret = random(20);
        set("target." + iqn + ".user", user);
        set("target." + iqn + ".secret", secret);
        set("target." + iqn + ".initiator", initiator);
        set("target." + iqn + ".lun", "1");
        return new HypervisorTestTarget(new ExportedTarget(iqn, PORTAL, 1, volumeId), initiator, user, secret);
    }

    void set(String key, String value) {
        scenario.setProperty(key, value);
        store();
    }

    void remove(String key) {
        scenario.remove(key);
        store();
    }

    /** Every recorded call's argv, from the tool's name on, in order. */
    List<List<String>> calls() throws IOException {
        List<List<String>> calls = new ArrayList<>();
        for (JsonObject call : records()) {
            calls.add(call.getJsonArray("argv").getValuesAs(JsonString.class).stream().map(JsonString::getString)
                    .toList());
        }
        return calls;
    }

    /** What every recorded call got on stdin. */
    List<String> stdins() throws IOException {
        return records().stream().map(c -> c.getString("stdin")).toList();
    }

    void clearCalls() throws IOException {
        Files.deleteIfExists(dir.resolve("calls.jsonl"));
    }

    /** Everything on the fake host an attach could leave: records, sessions, devices, the domain's disks. */
    Set<String> objects(String domain) throws IOException {
        Set<String> objects = new TreeSet<>();
        for (String key : state().stringPropertyNames()) {
            if (key.startsWith("node|") || key.startsWith("session|") || key.startsWith("disk|" + domain + "|")) {
                objects.add(key);
            }
        }
        try (Stream<Path> devices = Files.list(deviceDir())) {
            devices.forEach(d -> objects.add("device|" + d.getFileName()));
        }
        return objects;
    }

    /** What is left on the fake host from any domain's point of view. */
    Set<String> everything() throws IOException {
        Set<String> all = new TreeSet<>(state().stringPropertyNames());
        try (Stream<Path> devices = Files.list(deviceDir())) {
            devices.forEach(d -> all.add("device|" + d.getFileName()));
        }
        return all;
    }

    Properties state() throws IOException {
        Properties state = new Properties();
        Path file = dir.resolve("state.properties");
        if (Files.exists(file)) {
            try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                state.load(in);
            }
        }
        return state;
    }

    private List<JsonObject> records() throws IOException {
        Path log = dir.resolve("calls.jsonl");
        if (!Files.exists(log)) {
            return List.of();
        }
        List<JsonObject> records = new ArrayList<>();
        for (String line : Files.readAllLines(log, StandardCharsets.UTF_8)) {
            try (JsonReader reader = Json.createReader(new StringReader(line))) {
                records.add(reader.readObject());
            }
        }
        return records;
    }

    private void store() {
        try (Writer out = Files.newBufferedWriter(dir.resolve("scenario.properties"), StandardCharsets.UTF_8)) {
            scenario.store(out, null);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String hex(int digits) {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < digits; i++) {
            s.append("0123456789abcdef".charAt(ThreadLocalRandom.current().nextInt(16)));
        }
        return s.toString();
    }

    static String random(int length) {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < length; i++) {
            s.append(ALNUM.charAt(ThreadLocalRandom.current().nextInt(ALNUM.length())));
        }
        return s.toString();
    }
}
