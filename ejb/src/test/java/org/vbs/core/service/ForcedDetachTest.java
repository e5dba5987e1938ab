package org.vbs.core.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.vbs.core.testing.Faults.assertFault;
import static org.vbs.core.testing.ServiceFixture.HYPERVISOR_HOST;
import static org.vbs.core.testing.ServiceFixture.JANE;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vbs.core.api.ErrorCode;
import org.vbs.core.api.Volume;
import org.vbs.core.api.VolumeAttachment;
import org.vbs.core.api.VolumeState;
import org.vbs.core.domain.VolumeRecord;
import org.vbs.core.testing.InTestHostDrivers.Call;
import org.vbs.core.testing.ServiceFixture;
import org.vbs.plugins.spi.DriverException;

/**
 * DetachVolume with force when the hypervisor host refuses, fails, or does not answer within the
 * host-call timeout: the detach-device step is passed over, and the volume still ends available with
 * its target, CHAP account, attachment and sealed secret gone; without force nothing changes.
 */
class ForcedDetachTest {
    @TempDir
    Path dir;
    private ServiceFixture fixture;
    private Volume volume;
    private final CountDownLatch frozenHostAnswers = new CountDownLatch(1);

    @BeforeEach
    void attachAVolume() {
        fixture = new ServiceFixture(dir, new Timeouts(Duration.ofMillis(500), Duration.ofSeconds(2), Duration.ofSeconds(60)));
        volume = fixture.service.createVolume(JANE, CreateVolumeTest.size(1));
        fixture.service.attachVolume(JANE, volume.id(), HYPERVISOR_HOST, "vm-1", "sdb");
    }

    @AfterEach
    void stop() {
        frozenHostAnswers.countDown();
        fixture.close();
    }

    private VolumeRecord stored() {
        return fixture.metadata.store().volume(volume.id()).orElseThrow();
    }

    private VolumeAttachment detach(boolean force) {
        return fixture.service.detachVolume(JANE, volume.id(), Optional.empty(), Optional.empty(), force);
    }

    /** Available, attachment (with its sealed secret) gone, no target or account, no journal record. */
    private void assertAvailableWithNoExportLeft() {
        assertEquals(VolumeState.AVAILABLE, stored().state());
        assertEquals(Optional.empty(), stored().attachment());
        assertEquals(Map.of(), fixture.hostDrivers.targets());
        assertTrue(fixture.metadata.operations().isEmpty(), fixture.metadata.operations().toString());
    }

    /** The host never detached it: the instance still holds the device (the log tells the operator). */
    private void assertDeviceStillInTheInstance() {
        assertEquals(Set.of("vm-1/" + volume.id()), fixture.hostDrivers.devices().keySet());
    }

    @Test
    void shouldForceADetachPastAHostThatRefusesConnections() {
        fixture.hostDrivers.fail(Call.DETACH);

        VolumeAttachment detached = detach(true);

        assertEquals(VolumeAttachment.Status.DETACHED, detached.status());
        assertAvailableWithNoExportLeft();
        assertDeviceStillInTheInstance();
    }

    @Test
    void shouldForceADetachPastAHostThatFailsWithAnError() {
        fixture.hostDrivers.fail(Call.DETACH, DriverException.Code.UNSUPPORTED);

        detach(true);

        assertAvailableWithNoExportLeft();
        assertDeviceStillInTheInstance();
    }

    @Test
    void shouldForceADetachPastAHostThatDoesNotAnswerWithinTheHostCallTimeout() {
        fixture.hostDrivers.hang(Call.DETACH, frozenHostAnswers);

        detach(true);

        assertAvailableWithNoExportLeft();
        assertDeviceStillInTheInstance();
        // and the volume can be attached again at once
        fixture.hostDrivers.heal();
        fixture.service.attachVolume(JANE, volume.id(), HYPERVISOR_HOST, "vm-2", "sdb");
        assertEquals(VolumeState.IN_USE, stored().state());
    }

    @Test
    void shouldLeaveTheVolumeInUseWithItsTargetWhenTheHostDoesNotAnswerAndTheDetachIsNotForced() {
        fixture.hostDrivers.hang(Call.DETACH, frozenHostAnswers);
        String target = stored().attachment().orElseThrow().targetIqn();

        assertFault(ErrorCode.SERVICE_UNAVAILABLE, () -> detach(false), "did not answer in time");

        assertEquals(VolumeState.IN_USE, stored().state());
        assertEquals(VolumeAttachment.Status.ATTACHED, stored().attachment().orElseThrow().status());
        assertEquals(Set.of(target), fixture.hostDrivers.targets().keySet());
        assertTrue(fixture.metadata.operations().isEmpty(), fixture.metadata.operations().toString());
        // and once the host answers, a detach removes everything
        frozenHostAnswers.countDown();
        fixture.hostDrivers.heal();
        detach(false);
        assertAvailableWithNoExportLeft();
        assertEquals(Map.of(), fixture.hostDrivers.devices());
    }

    @Test
    void shouldPutAForcedDetachWhoseExportCannotBeRemovedInErrorAndLetAnotherForceFinishIt() {
        fixture.hostDrivers.hang(Call.DETACH, frozenHostAnswers);
        fixture.hostDrivers.fail(Call.UNEXPORT);

        assertFault(ErrorCode.INTERNAL_ERROR, () -> detach(true));

        // the detach-device step was passed over, so it counts as done: no going back to in-use
        assertEquals(VolumeState.ERROR, stored().state());
        assertTrue(stored().stateReason().orElseThrow().contains("after step 'detach-device', which cannot be undone"),
                stored().stateReason().orElseThrow());
        assertTrue(stored().stateReason().orElseThrow().contains("Detach the volume again with force"),
                stored().stateReason().orElseThrow());
        assertEquals(1, fixture.hostDrivers.targets().size());
        assertTrue(fixture.metadata.operations().isEmpty(), fixture.metadata.operations().toString());
        fixture.hostDrivers.heal();
        detach(true);
        assertAvailableWithNoExportLeft();
    }
}
