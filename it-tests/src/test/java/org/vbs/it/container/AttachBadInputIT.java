package org.vbs.it.container;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.EnterpriseArchive;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.vbs.it.client.AttachVolumeType;
import org.vbs.it.client.DescribeVolumesSetItemResponseType;
import org.vbs.it.client.VbsFault;
import org.vbs.it.support.Caller;
import org.vbs.it.support.Callers;
import org.vbs.it.support.Faults;
import org.vbs.it.support.ItConfig;
import org.vbs.it.support.Pool;
import org.vbs.it.support.VbsEar;
import org.vbs.it.support.VisibleState;

/**
 * AttachVolume and DetachVolume over signed SOAP, bad input only: each call gets its specific fault and
 * changes nothing: the same volumes and snapshots, the same pool files, and every volume still
 * {@code available} with an empty attachmentSet (an attach that got as far as the journal would show
 * as {@code attaching} or {@code error}). This server registers only the volume server "local" (file
 * driver), no hypervisor host, so no attach can succeed here; the real attach paths with tgt and
 * QEMU are tested in the system tests.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
public class AttachBadInputIT {
    private static final String UNKNOWN_VOLUME = "vol-00000000000000000";
    private static final String NOT_A_HOST = "kvm-not-registered";
    /** The volume server of this server: registered, but not a hypervisor host. */
    private static final String VOLUME_SERVER = "local";
    private static final List<String> HOSTILE = List.of("vm; reboot", "-x", "../../etc", "$(reboot)", "vm\nx",
            "i".repeat(4096));

    private final Callers callers = Callers.ofArquillianServer();
    private final Pool pool = Pool.of(ItConfig.vbsHome());

    private Caller user;
    private String volume;

    @Deployment(testable = false)
    public static EnterpriseArchive vbs() {
        return VbsEar.fromBuild();
    }

    /** Given a user with an available volume. */
    @BeforeEach
    public void userWithAVolume() throws Exception {
        user = callers.newUser("attach-bad-input");
        volume = user.createVolume(1).getVolumeId();
        user.awaitVolume(volume, "available");
    }

    @AfterEach
    public void deleteTheVolume() throws Exception {
        user.deleteVolumes(volume);
    }

    @Test
    public void attachWithAMalformedVolumeIdIsRefused() throws Exception {
        assertRefusedAndNothingChanged("InvalidVolumeID.Malformed",
                () -> user.attachVolume("vol-../../etc", NOT_A_HOST, "vm-42", "vdb"), "vol-../../etc");
    }

    @Test
    public void attachOfAnUnknownVolumeIsRefusedAsNotFound() throws Exception {
        assertRefusedAndNothingChanged("InvalidVolume.NotFound",
                () -> user.attachVolume(UNKNOWN_VOLUME, NOT_A_HOST, "vm-42", "vdb"), UNKNOWN_VOLUME);
    }

    @Test
    public void attachOfAnotherOwnersVolumeIsRefusedAsNotFound() throws Exception {
        Caller stranger = callers.newUser("attach-stranger");
        VbsFault unknown = assertThrows(VbsFault.class,
                () -> stranger.attachVolume(UNKNOWN_VOLUME, NOT_A_HOST, "vm-42", "vdb"));

        VbsFault fault = assertRefusedAndNothingChanged("InvalidVolume.NotFound",
                () -> stranger.attachVolume(volume, NOT_A_HOST, "vm-42", "vdb"), volume);

        // worded exactly like an unknown id, so it does not confirm the volume exists
        assertEquals(Faults.message(unknown).replace(UNKNOWN_VOLUME, volume), Faults.message(fault));
    }

    @Test
    public void attachToAHostThatIsNotRegisteredIsRefused() throws Exception {
        assertRefusedAndNothingChanged("InvalidParameterValue",
                () -> user.attachVolume(volume, NOT_A_HOST, "vm-42", "vdb"), NOT_A_HOST,
                "not a registered hypervisor host");
    }

    @Test
    public void attachToAVolumeServerThatIsNoHypervisorHostIsRefused() throws Exception {
        assertRefusedAndNothingChanged("InvalidParameterValue",
                () -> user.attachVolume(volume, VOLUME_SERVER, "vm-42", "vdb"), "not a registered hypervisor host");
    }

    @Test
    public void attachToHostileHostNamesIsRefused() throws Exception {
        for (String host : HOSTILE) {
            assertRefusedAndNothingChanged("InvalidParameterValue",
                    () -> user.attachVolume(volume, host, "vm-42", "vdb"), "not a registered hypervisor host");
        }
    }

    @Test
    public void hostileInstanceIdsAreRefused() throws Exception {
        for (String instance : HOSTILE) {
            assertRefusedAndNothingChanged("InvalidParameterValue",
                    () -> user.attachVolume(volume, NOT_A_HOST, instance, "vdb"), "InstanceId");
        }
    }

    @Test
    public void hostileDevicesAreRefused() throws Exception {
        for (String device : List.of("vm; reboot", "-x", "../../etc", "/dev/../etc/passwd", "/dev/sdb/../../x",
                "d".repeat(4096))) {
            assertRefusedAndNothingChanged("InvalidParameterValue",
                    () -> user.attachVolume(volume, NOT_A_HOST, "vm-42", device), "Device");
        }
    }

    @Test
    public void attachWithoutHostIsRefusedAsMissing() throws Exception {
        AttachVolumeType request = new AttachVolumeType();
        request.setVolumeId(volume);
        request.setInstanceId("vm-42");
        request.setDevice("vdb");
        assertRefusedAndNothingChanged("MissingParameter", () -> user.port().attachVolume(request), "host");
    }

    @Test
    public void detachWithAMalformedVolumeIdIsRefused() throws Exception {
        assertRefusedAndNothingChanged("InvalidVolumeID.Malformed",
                () -> user.detachVolume("vol-; reboot", Optional.empty(), Optional.empty(), true));
    }

    @Test
    public void detachOfAnUnknownVolumeIsRefusedAsNotFound() throws Exception {
        assertRefusedAndNothingChanged("InvalidVolume.NotFound",
                () -> user.detachVolume(UNKNOWN_VOLUME, Optional.empty(), Optional.empty(), true), UNKNOWN_VOLUME);
    }

    @Test
    public void detachOfAnotherOwnersVolumeIsRefusedAsNotFound() throws Exception {
        Caller stranger = callers.newUser("detach-stranger");
        assertRefusedAndNothingChanged("InvalidVolume.NotFound",
                () -> stranger.detachVolume(volume, Optional.empty(), Optional.empty(), true), volume);
    }

    @Test
    public void detachOfAVolumeThatIsNotAttachedIsRefusedAsIncorrectState() throws Exception {
        assertRefusedAndNothingChanged("IncorrectState",
                () -> user.detachVolume(volume, Optional.empty(), Optional.empty(), false), volume, "'available'");
        // force does not make a detach of an unattached volume possible
        assertRefusedAndNothingChanged("IncorrectState",
                () -> user.detachVolume(volume, Optional.of("vm-42"), Optional.of("vdb"), true), "'available'");
    }

    @Test
    public void detachWithAnEmptyInstanceCheckIsRefused() throws Exception {
        assertRefusedAndNothingChanged("InvalidParameterValue",
                () -> user.detachVolume(volume, Optional.of(""), Optional.empty(), false), "instanceId");
    }

    /** A call that must fail with the code and change nothing. */
    @FunctionalInterface
    private interface BadCall {
        void call() throws Exception;
    }

    private VbsFault assertRefusedAndNothingChanged(String code, BadCall call, String... mentions) throws Exception {
        // given what the user sees, the pool, and how the volume is described
        VisibleState before = VisibleState.of(user, pool);
        String described = describe(user.volume(volume));

        // when the bad call is made
        VbsFault fault = assertThrows(VbsFault.class, call::call);

        // then it is refused with the specific code and a message naming what was wrong
        assertEquals(code, Faults.code(fault), Faults.message(fault));
        assertFalse(Faults.message(fault).isBlank(), "a fault needs a message a person can act on");
        for (String mention : mentions) {
            assertTrue(Faults.message(fault).contains(mention), "'" + mention + "' not in: " + Faults.message(fault));
        }
        assertFalse(Faults.message(fault).length() > 1000, "a hostile value is not echoed whole");
        // and nothing changed: no volume, snapshot or file came or went, and every volume is available
        // and unattached (no attach got as far as the journal)
        assertEquals(before, VisibleState.of(user, pool));
        assertEquals(described, describe(user.volume(volume)));
        for (DescribeVolumesSetItemResponseType each : user.allVolumes(Map.of())) {
            assertEquals("available", each.getStatus(), each.getVolumeId());
            assertTrue(each.getAttachmentSet().getItem().isEmpty(), each.getVolumeId());
        }
        return fault;
    }

    /** The volume as DescribeVolumes shows it, every field that an attach or detach could change. */
    private static String describe(DescribeVolumesSetItemResponseType volume) {
        return volume.getVolumeId() + " " + volume.getSize() + " " + volume.getStatus() + " "
                + volume.getCreateTime() + " attachments " + volume.getAttachmentSet().getItem().size();
    }
}
