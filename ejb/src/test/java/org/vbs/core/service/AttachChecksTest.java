package org.vbs.core.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.vbs.core.testing.Faults.assertFault;
import static org.vbs.core.testing.ServiceFixture.BOB;
import static org.vbs.core.testing.ServiceFixture.JANE;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vbs.core.api.ErrorCode;
import org.vbs.core.api.Volume;
import org.vbs.core.testing.ServiceFixture;

/**
 * AttachVolume's refusals, in the order they are judged: what the caller typed (volume id, instance,
 * device), then the volume (unknown or another owner's: NotFound, whatever host was named), then the
 * host. Each changes nothing. (The fixture's only host, "local", is a volume server, not a hypervisor host.)
 */
class AttachChecksTest {
    private static final String NO_SUCH_HOST = "kvm-nowhere";
    private static final List<String> HOSTILE = List.of("vm; reboot", "-x", "../../etc", "$(id)", "a b",
            "x".repeat(300), "");

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
    void shouldRefuseHostileInstanceIdsForWhatTheyAreAndChangeNothing() {
        ServiceFixture.Contents before = fixture.contents();
        for (String instance : HOSTILE) {
            ErrorCode expected = instance.isEmpty() ? ErrorCode.MISSING_PARAMETER : ErrorCode.INVALID_PARAMETER_VALUE;
            assertFault(expected, () -> fixture.service.attachVolume(JANE, volume.id(), NO_SUCH_HOST, instance, "vdb"),
                    "InstanceId");
        }
        assertEquals(before, fixture.contents());
    }

    @Test
    void shouldRefuseHostileDevicesForWhatTheyAreAndChangeNothing() {
        ServiceFixture.Contents before = fixture.contents();
        for (String device : List.of("vm; reboot", "-x", "../../etc", "/dev/../etc/passwd", "/dev/sdb/../../x",
                "v".repeat(300))) {
            assertFault(ErrorCode.INVALID_PARAMETER_VALUE,
                    () -> fixture.service.attachVolume(JANE, volume.id(), NO_SUCH_HOST, "vm-42", device), "Device");
        }
        assertEquals(before, fixture.contents());
    }

    @Test
    void shouldAnswerAnUnknownOrAnotherOwnersVolumeAsNotFoundBeforeJudgingTheHost() {
        ServiceFixture.Contents before = fixture.contents();

        assertFault(ErrorCode.INVALID_VOLUME_NOT_FOUND,
                () -> fixture.service.attachVolume(BOB, volume.id(), NO_SUCH_HOST, "vm-42", "vdb"));
        assertFault(ErrorCode.INVALID_VOLUME_NOT_FOUND,
                () -> fixture.service.attachVolume(JANE, "vol-00000000000000000", NO_SUCH_HOST, "vm-42", "vdb"));
        assertFault(ErrorCode.INVALID_VOLUME_ID_MALFORMED,
                () -> fixture.service.attachVolume(JANE, "vol-../../etc", NO_SUCH_HOST, "vm-42", "vdb"));

        assertEquals(before, fixture.contents());
    }

    @Test
    void shouldRefuseAHostThatIsNotARegisteredHypervisorHostAndChangeNothing() {
        ServiceFixture.Contents before = fixture.contents();

        assertFault(ErrorCode.INVALID_PARAMETER_VALUE,
                () -> fixture.service.attachVolume(JANE, volume.id(), NO_SUCH_HOST, "vm-42", "vdb"),
                "'" + NO_SUCH_HOST + "'", "not a registered hypervisor host");
        assertFault(ErrorCode.INVALID_PARAMETER_VALUE,
                () -> fixture.service.attachVolume(JANE, volume.id(), ServiceFixture.HOST, "vm-42", "vdb"),
                "not a registered hypervisor host");
        assertFault(ErrorCode.MISSING_PARAMETER,
                () -> fixture.service.attachVolume(JANE, volume.id(), " ", "vm-42", "vdb"), "Host");

        assertEquals(before, fixture.contents());
    }
}
