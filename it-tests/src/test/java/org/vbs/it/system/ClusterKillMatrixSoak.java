package org.vbs.it.system;

import java.util.Optional;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.vbs.it.support.Caller;

/**
 * The cluster's kill matrix ({@link ClusterNodeKilledBetweenStepsIT}) again and again, for failures
 * that one pass does not show: {@code vbs.it.soak.rounds} passes in all (profile {@code soak}, 50 by
 * default; {@code mvn -Psoak verify -pl it-tests -am}). Not part of the tests: a pass takes minutes.
 */
public class ClusterKillMatrixSoak extends ClusterNodeKilledBetweenStepsIT {

    @Test
    @Order(4)
    public void theMatrixOnceMorePerRound() throws Exception {
        int rounds = Integer.getInteger("vbs.it.soak.rounds", 50);
        for (int round = 2; round <= rounds; round++) {
            // The one volume the matrix keeps in use frees its device name for the next pass.
            Caller user = user();
            user.detachVolume(keep, Optional.empty(), Optional.empty(), false);
            awaitVolume(user, keep, "available", false, System.nanoTime() + SETTLE.toNanos());
            bringBackTheDeadNode();
            System.out.printf("ClusterKillMatrixSoak: pass %d of %d%n", round, rounds);
            attachDetachAndSnapshotKilledAtEveryStepBoundaryEndConsistent();
            createFromSnapshotAndDeleteKilledAtEveryStepBoundaryEndConsistent();
        }
    }
}
