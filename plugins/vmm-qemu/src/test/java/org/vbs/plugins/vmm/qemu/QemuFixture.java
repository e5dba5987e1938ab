package org.vbs.plugins.vmm.qemu;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.io.IOException;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ThreadLocalRandom;
import org.vbs.hosts.LocalHostShell;
import org.vbs.plugins.spi.DriverConfig;
import org.vbs.plugins.spi.DriverException;
import org.vbs.plugins.spi.hypervisor.HypervisorDriver;
import org.vbs.plugins.testkit.tools.QemuVm;

/**
 * The QEMU instances of one test (each its own child process, stopped by {@link #close()}), their
 * socket directory, and the test's own view of an instance through QMP (not the driver's code).
 */
final class QemuFixture implements AutoCloseable {
    private final Path socketDir;
    private final List<QemuVm> vms = new ArrayList<>();

    QemuFixture(Path socketDir) throws IOException {
        this.socketDir = Files.createDirectories(socketDir);
    }

    Path socketDir() {
        return socketDir;
    }

    QemuVm start() throws IOException {
        QemuVm vm = QemuVm.start(socketDir, "vm-" + ThreadLocalRandom.current().nextInt(1_000_000));
        vms.add(vm);
        return vm;
    }

    QemuVm vm(String instanceId) {
        return vms.stream().filter(v -> v.instanceId().equals(instanceId)).findFirst().orElseThrow();
    }

    /** The driver as the service would make it for this machine, through the real local shell. */
    HypervisorDriver driver(Map<String, String> extraProperties) throws DriverException {
        Map<String, String> properties = new HashMap<>(extraProperties);
        properties.put(QemuSettings.QMP_SOCKET_DIR, socketDir.toString());
        return new QemuDriverFactory().create(new DriverConfig("localhost", properties, Map.of()),
                new LocalHostShell("localhost"));
    }

    /** Devices, block nodes and user objects of the instance, as {@code device:id}, {@code node:name}, {@code object:id}. */
    static Set<String> objects(QemuVm vm) throws IOException {
        Set<String> all = new TreeSet<>();
        for (String name : children(vm, "/machine/peripheral")) {
            all.add("device:" + name);
        }
        for (String name : children(vm, "/objects")) {
            all.add("object:" + name);
        }
        for (JsonValue node : answer(vm.qmp("query-named-block-nodes", "{\"flat\": true}")).getJsonArray("return")) {
            all.add("node:" + node.asJsonObject().getString("node-name"));
        }
        return all;
    }

    static JsonObject answer(String line) {
        try (var reader = Json.createReader(new StringReader(line))) {
            return reader.readObject();
        }
    }

    private static List<String> children(QemuVm vm, String path) throws IOException {
        List<String> names = new ArrayList<>();
        for (JsonValue p : answer(vm.qmp("qom-list", "{\"path\": \"" + path + "\"}")).getJsonArray("return")) {
            JsonObject property = p.asJsonObject();
            if (property.getString("type").startsWith("child<")) {
                names.add(property.getString("name"));
            }
        }
        return names;
    }

    @Override
    public void close() throws IOException {
        IOException failure = null;
        for (QemuVm vm : vms) {
            try {
                vm.close();
            } catch (IOException e) {
                if (failure == null) {
                    failure = e;
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        vms.clear();
        if (failure != null) {
            throw failure;
        }
    }
}
