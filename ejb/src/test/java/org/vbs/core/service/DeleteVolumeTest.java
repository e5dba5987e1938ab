package org.vbs.core.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.vbs.core.testing.Faults.assertFault;
import static org.vbs.core.testing.ServiceFixture.BOB;
import static org.vbs.core.testing.ServiceFixture.JANE;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vbs.core.api.ErrorCode;
import org.vbs.core.api.Volume;
import org.vbs.core.api.VolumeState;
import org.vbs.core.testing.ServiceFixture;
import org.vbs.core.testing.TempDirVolumeDriver.Operation;
import org.vbs.plugins.spi.DriverException;

class DeleteVolumeTest {
    @TempDir
    Path dir;
    private ServiceFixture fixture;
    private Volume volume;

    @BeforeEach
    void start() {
        fixture = new ServiceFixture(dir);
        volume = fixture.service.createVolume(JANE, CreateVolumeTest.withToken(2, "token-1", java.util.Map.of()));
    }

    @AfterEach
    void stop() {
        fixture.close();
    }

    @Test
    void shouldDeleteTheStorageAndRemoveEveryTraceOfTheVolume() {
        Volume deleted = fixture.service.deleteVolume(JANE, volume.id());

        assertEquals(VolumeState.DELETED, deleted.state());
        assertEquals(volume.id(), deleted.id());
        assertTrue(fixture.metadata.isEmpty(), "volume, index entry and token removed: " + fixture.contents());
        assertFalse(Files.exists(fixture.driver.volumeFile(volume.id())));
        assertFault(ErrorCode.INVALID_VOLUME_NOT_FOUND, () -> fixture.service.deleteVolume(JANE, volume.id()));
    }

    @Test
    void shouldAnswerAnotherOwnersVolumeExactlyLikeAnUnknownOne() {
        ServiceFixture.Contents before = fixture.contents();
        String unknown = "vol-0123456789abcdef0";

        String other = assertFault(ErrorCode.INVALID_VOLUME_NOT_FOUND,
                () -> fixture.service.deleteVolume(BOB, volume.id())).getMessage();
        String missing = assertFault(ErrorCode.INVALID_VOLUME_NOT_FOUND,
                () -> fixture.service.deleteVolume(BOB, unknown)).getMessage();

        assertEquals(missing.replace(unknown, volume.id()), other);
        assertEquals(before, fixture.contents());
    }

    @Test
    void shouldRefuseAMalformedId() {
        ServiceFixture.Contents before = fixture.contents();
        assertFault(ErrorCode.INVALID_VOLUME_ID_MALFORMED, () -> fixture.service.deleteVolume(JANE, "vol-12"),
                "'vol-12'");
        assertFault(ErrorCode.INVALID_VOLUME_ID_MALFORMED, () -> fixture.service.deleteVolume(JANE, null));
        assertEquals(before, fixture.contents());
    }

    @Test
    void shouldPutTheVolumeInErrorWhenTheDriverCannotDeleteItAndAllowDeletingAgain() {
        fixture.driver.fail(Operation.DELETE_VOLUME, DriverException.Code.IO_ERROR);

        assertFault(ErrorCode.INTERNAL_ERROR, () -> fixture.service.deleteVolume(JANE, volume.id()),
                "request " + JANE.requestId());

        Volume failed = fixture.metadata.store().volume(volume.id()).orElseThrow().toVolume();
        assertEquals(VolumeState.ERROR, failed.state());
        assertTrue(failed.stateReason().orElseThrow().contains("Delete the volume again"));
        fixture.driver.heal();
        assertEquals(VolumeState.DELETED, fixture.service.deleteVolume(JANE, volume.id()).state());
        assertTrue(fixture.metadata.isEmpty());
        assertEquals(java.util.List.of(), fixture.driver.files());
    }

    @Test
    void shouldPutTheVolumeInErrorWhenNoDriverIsInstalled() {
        fixture.uninstallDriver();
        assertFault(ErrorCode.SERVICE_UNAVAILABLE, () -> fixture.service.deleteVolume(JANE, volume.id()), "tempdir");
        assertEquals(VolumeState.ERROR, fixture.metadata.store().volume(volume.id()).orElseThrow().state());
        assertTrue(Files.exists(fixture.driver.volumeFile(volume.id())));
    }
}
