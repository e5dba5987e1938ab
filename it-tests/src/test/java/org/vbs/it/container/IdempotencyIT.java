package org.vbs.it.container;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.EnterpriseArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.vbs.it.client.VbsFault;
import org.vbs.it.support.Caller;
import org.vbs.it.support.Callers;
import org.vbs.it.support.Faults;
import org.vbs.it.support.ItConfig;
import org.vbs.it.support.Pool;
import org.vbs.it.support.PoolState;
import org.vbs.it.support.VbsEar;
import org.vbs.it.support.VisibleState;

/**
 * A CreateVolume retried with the same clientToken (say, after a timeout) returns the volume the
 * first call made instead of making a second; the same token with other parameters is a mistake
 * and is refused. Tokens belong to their caller, as in EC2.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
public class IdempotencyIT {
    private final Callers callers = Callers.ofArquillianServer();
    private final Pool pool = Pool.of(ItConfig.vbsHome());

    @Deployment(testable = false)
    public static EnterpriseArchive vbs() {
        return VbsEar.fromBuild();
    }

    @Test
    public void retryWithSameTokenAndParametersReturnsTheSameVolume() throws Exception {
        // given a volume made with a client token
        Caller user = callers.newUser("idempotent-retry");
        Optional<String> token = Optional.of(UUID.randomUUID().toString());
        String first = user.createVolume("2", token).getVolumeId();
        PoolState poolAfterFirst = pool.state();

        // when the same call is made again
        String retried = user.createVolume("2", token).getVolumeId();

        // then it answers the same volume and makes no second one
        assertEquals(first, retried);
        assertEquals(Set.of(first), user.volumeIds());
        assertEquals(poolAfterFirst, pool.state());

        user.deleteVolumes(first);
    }

    @Test
    public void sameTokenWithDifferentParametersIsRefusedAndMakesNoVolume() throws Exception {
        // given a volume made with a client token
        Caller user = callers.newUser("idempotent-mismatch");
        Optional<String> token = Optional.of(UUID.randomUUID().toString());
        String first = user.createVolume("2", token).getVolumeId();
        VisibleState before = VisibleState.of(user, pool);

        // when the token is reused for a volume of another size
        VbsFault fault = assertThrows(VbsFault.class, () -> user.createVolume("3", token));

        // then the call is refused and nothing was made
        assertEquals("IdempotentParameterMismatch", Faults.code(fault), Faults.message(fault));
        assertEquals(before, VisibleState.of(user, pool));
        assertEquals(2, user.volume(first).getSize());

        user.deleteVolumes(first);
    }

    @Test
    public void refusedCreateLeavesNoClientTokenBehind() throws Exception {
        // given a CreateVolume with a client token, refused for its size
        Caller user = callers.newUser("idempotent-refused");
        Optional<String> token = Optional.of(UUID.randomUUID().toString());
        VbsFault refused = assertThrows(VbsFault.class, () -> user.createVolume("0", token));
        assertEquals("InvalidParameterValue", Faults.code(refused), Faults.message(refused));

        // when the caller corrects the size and sends the same token again
        String volume = user.createVolume("2", token).getVolumeId();

        // then the corrected call is served: the refused one recorded nothing under the token
        assertEquals(Set.of(volume), user.volumeIds());
        assertEquals(2, user.volume(volume).getSize());

        user.deleteVolumes(volume);
    }

    @Test
    public void anotherUsersTokenDoesNotReturnTheirVolume() throws Exception {
        // given a volume made by one user with a client token
        Caller user = callers.newUser("idempotent-owner");
        Caller other = callers.newUser("idempotent-other");
        Optional<String> token = Optional.of(UUID.randomUUID().toString());
        String mine = user.createVolume("1", token).getVolumeId();

        // when another user sends the same token
        String theirs = other.createVolume("1", token).getVolumeId();

        // then that user gets a volume of its own
        assertNotEquals(mine, theirs);
        assertEquals(Set.of(mine), user.volumeIds());
        assertEquals(Set.of(theirs), other.volumeIds());

        user.deleteVolumes(mine);
        other.deleteVolumes(theirs);
    }
}
