package org.vbs.core.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.vbs.core.testing.Faults.assertFault;
import static org.vbs.core.testing.ServiceFixture.BOB;
import static org.vbs.core.testing.ServiceFixture.JANE;

import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vbs.core.api.ErrorCode;
import org.vbs.core.api.Volume;
import org.vbs.core.api.VolumeAttachment;
import org.vbs.core.api.VolumeState;
import org.vbs.core.domain.Attachment;
import org.vbs.core.domain.VolumeRecord;
import org.vbs.core.testing.ServiceFixture;

/**
 * DetachVolume's EC2 checks: an instanceId or device that is not the volume's attachment is refused
 * with InvalidAttachment.NotFound before anything moves. (These tests have no hypervisor driver, so
 * the in-use volume is written into the metadata as a finished attach leaves it.)
 */
class DetachChecksTest {
    private static final String OPERATION = "test";

    @TempDir
    Path dir;
    private ServiceFixture fixture;
    private Volume volume;

    @BeforeEach
    void start() {
        fixture = new ServiceFixture(dir);
        volume = fixture.service.createVolume(JANE, CreateVolumeTest.withToken(1, "token-1", Map.of()));
    }

    @AfterEach
    void stop() {
        fixture.close();
    }

    @Test
    void shouldRefuseADetachNamingAnotherInstanceAndChangeNothing() {
        putInUse();
        ServiceFixture.Contents before = fixture.contents();

        assertFault(ErrorCode.INVALID_ATTACHMENT_NOT_FOUND, () -> fixture.service.detachVolume(JANE, volume.id(),
                Optional.of("vm-7"), Optional.empty(), false), volume.id(), "'vm-7'", "vm-42");

        assertEquals(before, fixture.contents());
    }

    @Test
    void shouldRefuseADetachNamingAnotherDeviceEvenWithForceAndChangeNothing() {
        putInUse();
        ServiceFixture.Contents before = fixture.contents();

        assertFault(ErrorCode.INVALID_ATTACHMENT_NOT_FOUND, () -> fixture.service.detachVolume(JANE, volume.id(),
                Optional.of("vm-42"), Optional.of("vdc"), true), "'vdc'", "vdb");

        assertEquals(before, fixture.contents());
    }

    @Test
    void shouldRefuseDetachingAVolumeThatIsNotAttachedWithIncorrectState() {
        ServiceFixture.Contents before = fixture.contents();

        assertFault(ErrorCode.INCORRECT_STATE, () -> fixture.service.detachVolume(JANE, volume.id(),
                Optional.of("vm-42"), Optional.empty(), false), "'available'", "'in-use'");

        assertEquals(before, fixture.contents());
    }

    @Test
    void shouldAnswerAnotherOwnersAttachedVolumeAsNotFound() {
        putInUse();
        ServiceFixture.Contents before = fixture.contents();

        assertFault(ErrorCode.INVALID_VOLUME_NOT_FOUND, () -> fixture.service.detachVolume(BOB, volume.id(),
                Optional.of("vm-42"), Optional.of("vdb"), false));

        assertEquals(before, fixture.contents());
    }

    /** The volume as a finished attach leaves it: in-use, attached to vm-42 as vdb on host kvm7. */
    private void putInUse() {
        fixture.metadata.transactions().run("put in use", () -> {
            VolumeRecord current = fixture.metadata.store().volume(volume.id()).orElseThrow();
            Attachment attachment = new Attachment("vm-42", "kvm7", "vdb", VolumeAttachment.Status.ATTACHING,
                    ServiceFixture.CLOCK.instant(), "iqn.2026-11.org.vbs:" + volume.id() + ".0badcafe",
                    "iqn.2026-11.org.vbs:initiator.kvm7", "user", "sealed");
            VolumeRecord attaching = current.moveWithAttachment(VolumeState.ATTACHING, Optional.of(attachment),
                    OPERATION);
            fixture.metadata.store().replaceVolume(current, attaching);
            fixture.metadata.store().replaceVolume(attaching, attaching.moveWithAttachment(VolumeState.IN_USE,
                    Optional.of(attachment.withStatus(VolumeAttachment.Status.ATTACHED)), OPERATION));
        });
    }
}
