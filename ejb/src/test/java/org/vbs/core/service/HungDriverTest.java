package org.vbs.core.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.vbs.core.testing.Faults.assertFault;
import static org.vbs.core.testing.ServiceFixture.BOB;
import static org.vbs.core.testing.ServiceFixture.JANE;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vbs.core.api.DescribeRequest;
import org.vbs.core.api.ErrorCode;
import org.vbs.core.api.Volume;
import org.vbs.core.api.VolumeState;
import org.vbs.core.testing.ServiceFixture;
import org.vbs.core.testing.TempDirVolumeDriver.Operation;

/** A driver call that hangs is cut off by its timeout, its operation rolls back, and other calls carry on. */
class HungDriverTest {
    @TempDir
    Path dir;
    private ServiceFixture fixture;
    private final CountDownLatch never = new CountDownLatch(1);

    @BeforeEach
    void start() {
        fixture = new ServiceFixture(dir, new Timeouts(Duration.ofMillis(500), Duration.ofSeconds(2), Duration.ofSeconds(60)));
    }

    @AfterEach
    void stop() {
        never.countDown();
        fixture.close();
    }

    @Test
    void shouldCutOffAHungCreateAndLeaveNothing() {
        fixture.driver.hang(Operation.CREATE_VOLUME, never);

        assertFault(ErrorCode.SERVICE_UNAVAILABLE, () -> fixture.service.createVolume(JANE, CreateVolumeTest.size(1)),
                "did not answer in time", "request " + JANE.requestId());

        assertTrue(fixture.metadata.isEmpty(), fixture.contents().toString());
        assertEquals(List.of(), fixture.driver.files());
        fixture.driver.heal();
        assertEquals(VolumeState.AVAILABLE, fixture.service.createVolume(JANE, CreateVolumeTest.size(1)).state());
    }

    @Test
    void shouldServeOtherCallsWhileOneHangsAndThenPutTheHungDeleteInError() throws Exception {
        Volume volume = fixture.service.createVolume(JANE, CreateVolumeTest.size(1));
        fixture.driver.hang(Operation.DELETE_VOLUME, never);

        CompletableFuture<Void> hungDelete = CompletableFuture.runAsync(() ->
                assertFault(ErrorCode.SERVICE_UNAVAILABLE, () -> fixture.service.deleteVolume(JANE, volume.id())));
        Volume bobs = fixture.service.createVolume(BOB, CreateVolumeTest.size(2));
        List<Volume> described = fixture.service.describeVolumes(BOB, DescribeRequest.all()).items();
        hungDelete.get(30, TimeUnit.SECONDS);

        assertEquals(List.of(bobs.id()), described.stream().map(Volume::id).toList());
        assertEquals(VolumeState.ERROR, fixture.metadata.store().volume(volume.id()).orElseThrow().state());
        assertTrue(Files.exists(fixture.driver.volumeFile(volume.id())));
        assertTrue(fixture.metadata.operations().isEmpty());
        fixture.driver.heal();
        fixture.service.deleteVolume(JANE, volume.id());
        assertTrue(fixture.metadata.store().volume(volume.id()).isEmpty());
    }
}
