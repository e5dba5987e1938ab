package org.vbs.it.system;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import jakarta.json.JsonValue;
import java.io.StringReader;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.regex.Matcher;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.ClassOrderer;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestClassOrder;
import org.junit.jupiter.api.TestInstance;
import org.vbs.it.client.DescribeSnapshotsSetItemResponseType;
import org.vbs.it.client.DescribeVolumesSetItemResponseType;
import org.vbs.it.support.Caller;
import org.vbs.it.support.Callers;
import org.vbs.it.support.ItConfig;
import org.vbs.it.support.Pool;
import org.vbs.it.support.Processes;
import org.vbs.it.support.RecordingRelay;
import org.vbs.it.support.ServerProcess;
import org.vbs.it.support.VbsHomes;

/**
 * The system as a person runs it: the README's run command (bin/vbs-server) starts a server on a
 * VBS_HOME it makes from nothing, the built CLI (cli/target/vbs/bin/vbs) talks to it, and what was
 * made survives a restart. One server process for the whole class (boots are the slow part), with
 * a port offset of its own; it is stopped by its PID at the end, whatever happened.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestClassOrder(ClassOrderer.OrderAnnotation.class)
public class ServerProcessIT {
    private static final Duration CLI_PATIENCE = Duration.ofMinutes(3);
    /** What Infinispan and the metadata proxy log when a key or value does not (un)marshal. */
    private static final List<String> MARSHALLING_FAILURES = List.of("ISPN000559", "ISPN000615", "ISPN029019",
            "No marshaller registered", "not a vbs-metadata.proto message");

    private ServerProcess server;
    private Pool pool;

    @BeforeAll
    public void startServerOnEmptyVbsHome() throws Exception {
        Path work = ItConfig.workDir().resolve("server-process");
        VbsHomes.deleteTree(work);
        Files.createDirectories(work);
        server = ServerProcess.of(work.resolve("vbs-home"), ItConfig.systemPortOffset(), work);
        pool = Pool.of(server.vbsHome());
        server.start();
    }

    @AfterAll
    public void stopServer() throws Exception {
        if (server != null) {
            server.stop();
        }
    }

    @Nested
    @Order(1)
    public class CliEndToEnd {

        @Test
        public void cliCreatesDescribesSnapshotsAndDeletesThroughTheRunningServer() throws Exception {
            // given the server the run command started, and its development user's CLI
            // when a volume is created
            JsonObject created = json(vbsOk("create-volume", "--size", "2"));
            String volume = created.getString("volumeId");
            assertTrue(volume.matches("vol-[0-9a-f]{17}"), volume);
            assertEquals(2, created.getJsonNumber("size").longValue());
            assertTrue(Files.exists(pool.volumeFile(volume)));

            // then describe-volumes --output json lists it
            JsonObject described = json(vbsOk("describe-volumes", volume));
            JsonArray volumes = described.getJsonArray("volumes");
            assertEquals(1, volumes.size());
            assertEquals(volume, volumes.getJsonObject(0).getString("volumeId"));
            assertEquals("available", volumes.getJsonObject(0).getString("status"));
            assertTrue(ids(json(vbsOk("describe-volumes")).getJsonArray("volumes"), "volumeId").contains(volume));

            // when it is snapshotted with --wait, the command returns the completed snapshot
            JsonObject snapshot = json(vbsOk("create-snapshot", volume, "--description", "cli test", "--wait"));
            String snapshotId = snapshot.getString("snapshotId");
            assertEquals("completed", snapshot.getString("status"));
            assertEquals(volume, snapshot.getString("volumeId"));
            assertTrue(Files.exists(pool.snapshotFile(snapshotId)));

            // and describe-snapshots shows it
            JsonArray snapshots = json(vbsOk("describe-snapshots", snapshotId)).getJsonArray("snapshots");
            assertEquals(1, snapshots.size());
            assertEquals("cli test", snapshots.getJsonObject(0).getString("description"));
            assertEquals("completed", snapshots.getJsonObject(0).getString("status"));

            // when the snapshot and the volume are deleted, they are gone
            vbsOk("delete-snapshot", snapshotId);
            vbsOk("delete-volume", volume);
            Caller devUser = Callers.of(server.endpoint(), server.vbsHome()).devUser();
            devUser.awaitVolumeGone(volume);
            devUser.awaitSnapshotGone(snapshotId);
            assertFalse(ids(json(vbsOk("describe-volumes")).getJsonArray("volumes"), "volumeId").contains(volume));
            assertFalse(ids(json(vbsOk("describe-snapshots")).getJsonArray("snapshots"), "snapshotId")
                    .contains(snapshotId));
            pool.awaitAbsent(pool.volumeFile(volume));
            pool.awaitAbsent(pool.snapshotFile(snapshotId));
        }

        @Test
        public void cliAttachesAVolumeToTheLabsVmOverChapGuardedIscsiAndDetachesItLeavingNoTarget() throws Exception {
            // given the lab the run command started (a tgtd, the VM demo-vm on host local) and a volume
            int offset = ItConfig.systemPortOffset();
            String control = String.valueOf(100 + offset);
            String portal = "127.0.0.1:" + (3260 + offset);
            String volume = json(vbsOk("create-volume", "--size", "1")).getString("volumeId");

            // when it is attached to demo-vm as sdb
            JsonObject attached = json(vbsOk("attach-volume", volume, "--host", "local", "--instance", "demo-vm",
                    "--device", "sdb"));

            // then it is in use by demo-vm, exported by a target of its own that QEMU is logged in to
            assertEquals("attached", attached.getString("status"), attached.toString());
            JsonObject described = json(vbsOk("describe-volumes", volume)).getJsonArray("volumes").getJsonObject(0);
            assertEquals("in-use", described.getString("status"), described.toString());
            assertTrue(described.toString().contains("demo-vm"), described.toString());
            String targets = tgtadm(control, "--mode", "target", "--op", "show");
            Matcher target = Pattern.compile("Target \\d+: (iqn\\.2026-11\\.org\\.vbs:" + volume + "\\.[0-9a-f]{8})")
                    .matcher(targets);
            assertTrue(target.find(), targets);
            assertTrue(targets.contains("Initiator: iqn.2026-11.org.vbs:initiator.local"), "QEMU's session: " + targets);
            assertTrue(tgtadm(control, "--mode", "account", "--op", "show").contains("vbs-"), "a CHAP account");
            // and the target refuses a login without the CHAP secret
            Processes.Result intruder = Processes.run(List.of("iscsi-inq", "-i", "iqn.2026-11.org.vbs:initiator.local",
                    "iscsi://" + portal + "/" + target.group(1) + "/1"), Map.of(), CLI_PATIENCE);
            assertNotEquals(0, intruder.exitCode(), intruder.describe());

            // when it is detached
            JsonObject detached = json(vbsOk("detach-volume", volume));

            // then it is available again and its target and CHAP account are gone
            assertEquals("detached", detached.getString("status"), detached.toString());
            assertEquals("available", json(vbsOk("describe-volumes", volume)).getJsonArray("volumes").getJsonObject(0)
                    .getString("status"));
            assertFalse(tgtadm(control, "--mode", "target", "--op", "show").contains(volume));
            assertFalse(tgtadm(control, "--mode", "account", "--op", "show").contains("vbs-"));
            vbsOk("delete-volume", volume);
        }

        @Test
        public void readinessUrlAnswersReadyWithoutASignature() throws Exception {
            // given the running server (a load balancer checks this URL before sending it calls)
            // when its readiness URL is asked, unsigned
            HttpResponse<String> answer = server.readiness();

            // then it is ready, and says so in plain text no cache keeps
            assertEquals(200, answer.statusCode(), answer.body());
            assertEquals("ready\n", answer.body());
            assertEquals("no-store", answer.headers().firstValue("Cache-Control").orElse(""));
        }

        @Test
        public void cliReportsServiceFaultWithItsCodeAndExitStatus() throws Exception {
            // given a volume id no one has
            // when the CLI is asked to delete it
            Processes.Result result = vbs("delete-volume", "vol-00000000000000000");

            // then it exits with the service-fault status and names the fault code on stderr
            assertEquals(1, result.exitCode(), result.describe());
            assertTrue(result.stderr().contains("InvalidVolume.NotFound"), result.describe());
        }
    }

    @Nested
    @Order(2)
    public class PersistenceAcrossRestart {

        @Test
        public void volumeAndCompletedSnapshotAreReadBackAfterTheServerRestarts() throws Exception {
            // given a volume and a completed snapshot made through the service
            Callers callers = Callers.of(server.endpoint(), server.vbsHome());
            Caller user = callers.devUser();
            String volume = user.createVolume(3).getVolumeId();
            user.awaitVolume(volume, "available");
            String snapshot = user.createSnapshot(volume, "survives restarts").getSnapshotId();
            user.awaitSnapshotCompleted(snapshot);
            // and a signed CreateVolume captured on the wire, which made one volume
            RecordingRelay.Captured captured;
            try (RecordingRelay relay = RecordingRelay.to(server.endpoint())) {
                Callers.of(relay.endpoint(), server.vbsHome()).devUser().createVolume(1);
                captured = relay.captured().get(0);
            }
            Set<String> volumesBefore = user.volumeIds();
            // which, posted again, is refused and makes nothing
            assertRefusedAsReplay(captured);
            assertEquals(volumesBefore, user.volumeIds());
            // and a volume attached to the lab's VM
            String attached = user.createVolume(1).getVolumeId();
            user.awaitVolume(attached, "available");
            user.attachVolume(attached, "local", "demo-vm", "sdc");
            String control = String.valueOf(100 + ItConfig.systemPortOffset());

            // when the server is stopped (SIGTERM) and started again
            server.stop();
            server.start();
            // the captured request is still refused: the seen-message cache is persistent
            assertRefusedAsReplay(captured);

            // then the attached volume still reads in-use, although the run command stopped its lab with the
            // server and started a new one (a new demo-vm without the disk, a tgtd without the target): the
            // service is not told. Detaching it (no force needed: nothing to remove is not a failure) leaves
            // it available, with nothing made on the new lab.
            Caller reconnected = Callers.of(server.endpoint(), server.vbsHome()).devUser();
            assertEquals("in-use", reconnected.volume(attached).getStatus());
            assertFalse(tgtadm(control, "--mode", "target", "--op", "show").contains(attached));
            vbsOk("detach-volume", attached);
            assertEquals("available", reconnected.volume(attached).getStatus());
            assertFalse(tgtadm(control, "--mode", "target", "--op", "show").contains(attached));
            assertFalse(tgtadm(control, "--mode", "account", "--op", "show").contains("vbs-"));
            reconnected.deleteVolumes(attached);

            // then both are read back as they were, from a new client
            Caller afterRestart = Callers.of(server.endpoint(), server.vbsHome()).devUser();
            DescribeVolumesSetItemResponseType readVolume = afterRestart.volume(volume);
            assertEquals("available", readVolume.getStatus());
            assertEquals(3, readVolume.getSize());
            DescribeSnapshotsSetItemResponseType readSnapshot = afterRestart.snapshot(snapshot);
            assertEquals("completed", readSnapshot.getStatus());
            assertEquals(volume, readSnapshot.getVolumeId());
            assertEquals("survives restarts", readSnapshot.getDescription());
            // and the replayed request made no volume, before or after the restart
            assertEquals(volumesBefore, afterRestart.volumeIds());
            // and they still work: the snapshot makes a volume, and everything can be deleted
            String restored = afterRestart.createVolumeFromSnapshot(snapshot).getVolumeId();
            afterRestart.awaitVolume(restored, "available");
            afterRestart.deleteVolumes(volumesBefore.toArray(new String[0]));
            afterRestart.deleteVolumes(restored);
            afterRestart.deleteSnapshots(snapshot);
            // and no key or value failed to marshal on the way (some such failures are only logged)
            List<String> marshallingFailures = Files.readAllLines(server.consoleLog()).stream()
                    .filter(line -> MARSHALLING_FAILURES.stream().anyMatch(line::contains)).toList();
            assertEquals(List.of(), marshallingFailures);
        }
    }

    /** Posts the captured request again: WS-Security refuses it as a replay (and says no more). */
    private void assertRefusedAsReplay(RecordingRelay.Captured captured) throws Exception {
        long replaysLogged = replaysLogged();

        HttpResponse<String> response = captured.replayTo(server.endpoint());

        assertEquals(500, response.statusCode(), response.body());
        assertTrue(response.body().contains("Fault"), response.body());
        assertFalse(response.body().contains("CreateVolumeResponse"), response.body());
        assertEquals(replaysLogged + 1, replaysLogged(), "the server log names this replay");
    }

    private long replaysLogged() throws Exception {
        return Files.readAllLines(server.consoleLog()).stream()
                .filter(line -> line.contains("A replay attack has been detected")).count();
    }

    /** Runs the built CLI as the server's development user (its VBS_HOME, its URL). */
    private Processes.Result vbs(String... arguments) throws Exception {
        List<String> argv = new ArrayList<>();
        argv.add(ItConfig.cli().toString());
        argv.add("--output");
        argv.add("json");
        argv.addAll(List.of(arguments));
        return Processes.run(argv, Map.of("VBS_HOME", server.vbsHome().toString(),
                "VBS_URL", server.endpoint().toString()), CLI_PATIENCE);
    }

    /** Runs tgtadm on the lab's tgtd (iSCSI); its output. */
    private static String tgtadm(String control, String... arguments) throws Exception {
        List<String> argv = new ArrayList<>(List.of("tgtadm", "-C", control, "--lld", "iscsi"));
        argv.addAll(List.of(arguments));
        Processes.Result result = Processes.run(argv, Map.of(), CLI_PATIENCE);
        assertEquals(0, result.exitCode(), result.describe());
        return result.stdout();
    }

    /** Runs the CLI and requires success; its stdout. */
    private String vbsOk(String... arguments) throws Exception {
        Processes.Result result = vbs(arguments);
        assertEquals(0, result.exitCode(), result.describe());
        return result.stdout();
    }

    private static JsonObject json(String text) {
        try (JsonReader reader = Json.createReader(new StringReader(text))) {
            return reader.readObject();
        }
    }

    private static Set<String> ids(JsonArray items, String key) {
        Set<String> ids = new TreeSet<>();
        for (JsonValue item : items) {
            ids.add(item.asJsonObject().getString(key));
        }
        return ids;
    }
}
