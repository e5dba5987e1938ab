package org.vbs.it.system;

import java.util.Optional;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.vbs.it.support.Caller;
import org.vbs.it.support.ServerProcess;
import org.vbs.it.support.VbsHomes;

/**
 * The cluster's kill matrix ({@link ClusterNodeKilledBetweenStepsIT}) again and again, for failures
 * that one pass does not show: {@code vbs.it.soak.rounds} passes in all (profile {@code soak}, 50 by
 * default; {@code mvn -Psoak verify -pl it-tests -am}). Not part of the tests: a pass takes minutes.
 * Before each further pass the two dead nodes come back as an operator brings back a node that was
 * down while the others went on: with its metadata store emptied (README, "Two nodes as one").
 */
public class ClusterKillMatrixSoak extends ClusterNodeKilledBetweenStepsIT {

    @Test
    @Order(3)
    public void theMatrixOnceMorePerRound() throws Exception {
        int rounds = Integer.getInteger("vbs.it.soak.rounds", 50);
        for (int round = 2; round <= rounds; round++) {
            // The one volume the matrix keeps in use frees its device name for the next pass.
            Caller user = user();
            user.detachVolume(keep, Optional.empty(), Optional.empty(), false);
            awaitVolume(user, keep, "available", false, System.nanoTime() + SETTLE.toNanos());
            for (int dead : new int[] {A, B}) {
                ServerProcess node = cluster.node(dead);
                VbsHomes.deleteTree(node.vbsHome().resolve("server").resolve("data").resolve("infinispan"));
                node.start();
            }
            cluster.awaitWhole();
            firstRoundOnA();
            System.out.printf("ClusterKillMatrixSoak: pass %d of %d%n", round, rounds);
            attachDetachAndSnapshotKilledAtEveryStepBoundaryEndConsistent();
            createFromSnapshotAndDeleteKilledAtEveryStepBoundaryEndConsistent();
        }
    }
}
