package org.vbs.it.system;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.vbs.it.support.Caller;
import org.vbs.it.support.ItConfig;
import org.vbs.it.support.ServerProcess;
import org.vbs.it.support.VbsHomes;

/**
 * The kill matrix ({@link KilledBetweenSteps}) on a single server, which recovers by a restart on the
 * same VBS_HOME: its recovery finds exactly the interrupted operations in the journal and ends them.
 * Then what recovery left still works, a clean restart finds an empty journal, and a volume whose VM
 * died is detached without force.
 *
 * <p>The server is the run command's, without its lab ({@code VBS_LAB=0}), with this machine registered
 * (by the operator's own hosts files) as volume server and hypervisor host.
 */
public class ServerKilledBetweenStepsIT extends KilledBetweenSteps {
    private ServerProcess server;

    @Override
    String workName() {
        return "server-killed";
    }

    @Override
    Path poolHome(Path work) {
        return work.resolve("vbs-home");
    }

    @Override
    void startService(Path work, Map<String, String> hostFiles) throws Exception {
        Path vbsHome = work.resolve("vbs-home");
        VbsHomes.writeHostFiles(vbsHome, hostFiles);
        server = ServerProcess.withoutLab(vbsHome, ItConfig.systemPortOffset(), work)
                .withJvmOptions(faults.jvmOptions());
        started.add(0, server::stop);
        boot("first boot");
    }

    @Override
    ServerProcess dying() {
        return server;
    }

    @Override
    Caller user() {
        return callerOf(server);
    }

    /** Restarts the server: its recovery finds exactly the interrupted operations. */
    @Override
    long recover(String what, int interrupted, long haltedAt) throws Exception {
        assertEquals(interrupted, boot("restart after " + what));
        return System.nanoTime();
    }

    @Override
    void beforeSecondRound() {
        // The first round's restart left the server running, with its faults.
    }

    @Test
    @Order(3)
    public void whatRecoveryLeftStillWorksAndAnotherRestartFindsAnEmptyJournal() throws Exception {
        // given the volumes and snapshots the first two tests' recoveries settled
        Caller user = user();
        // when a rolled-back attach's volume, a finished detach's and a resumed copy's are attached and detached
        long t0 = System.nanoTime();
        for (String volume : List.of(attachCases.get(4), detachCases.get(4), restoreCases.get(1))) {
            attach(user, volume, "sdh");
            assertNothingLeaked();
            user.detachVolume(volume, Optional.empty(), Optional.empty(), false);
            awaitVolume(user, volume, "available", false, System.nanoTime() + SETTLE.toNanos());
        }
        // and the source volume is snapshotted again, and the snapshots in error are deleted
        String again = user.createSnapshot(source, "after the failures").getSnapshotId();
        user.awaitSnapshotCompleted(again);
        user.deleteSnapshots(snapshotCases.toArray(String[]::new));
        System.out.printf("attach/detach x3, snapshot, 3 deletions after recovery: %d ms%n",
                millis(t0, System.nanoTime()));
        assertNothingLeaked();

        // then a clean restart finds nothing to recover: the journal is empty
        server.stop();
        assertEquals(0, boot("clean restart"));
        assertNothingLeaked();
    }

    @Test
    @Order(4)
    public void aVolumeWhoseVmIsGoneIsDetachedWithoutForceAndItsExportRemoved() throws Exception {
        // given the volume in use since the first test (a disk of demo-vm, exported by tgtd)
        Caller user = user();
        awaitVolume(user, keep, "in-use", true, System.nanoTime() + SETTLE.toNanos());
        // when the VM dies (as the run command's own lab VM does whenever its server stops) and the volume
        // is detached
        vm.kill();
        user.detachVolume(keep, Optional.empty(), Optional.empty(), false);

        // then the detach succeeds (a VM that is not running has nothing attached) and removes the export
        awaitVolume(user, keep, "available", false, System.nanoTime() + SETTLE.toNanos());
        assertEquals(Set.of(), targetVolumes(), tgtd().showTargets());
        assertEquals(0, chapAccounts(), tgtd().showAccounts());
    }

    /** Starts the server, returns how many operations its recovery found in the journal. */
    private int boot(String what) throws Exception {
        long from = Files.exists(server.consoleLog()) ? Files.size(server.consoleLog()) : 0;
        long t0 = System.nanoTime();
        server.start();
        int found = server.awaitStartRecovery(from, SETTLE);
        System.out.printf("%s: %d ms, recovery found %d operation(s)%n", what, millis(t0, System.nanoTime()), found);
        return found;
    }
}
