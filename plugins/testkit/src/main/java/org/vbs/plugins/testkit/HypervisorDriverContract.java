package org.vbs.plugins.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.vbs.plugins.spi.DriverException;
import org.vbs.plugins.spi.Secret;
import org.vbs.plugins.spi.export.ChapCredentials;
import org.vbs.plugins.spi.hypervisor.AttachedDevice;
import org.vbs.plugins.spi.hypervisor.DeviceAttachRequest;
import org.vbs.plugins.spi.hypervisor.HypervisorDriver;

/**
 * The behaviour every {@link HypervisorDriver} owes the service core, as one JUnit 5 suite. A
 * driver's test extends this class, runs it against a real hypervisor and a real iSCSI target, and
 * supplies the hooks: a driver, a running instance, an exported volume, and a listing of what the
 * driver could leave in an instance (so the suite proves that detach and a failed attach leave
 * nothing behind).
 *
 * <p>What the suite relies on beyond the SPI's javadoc: an attach returns the device it was asked
 * for (a leading {@code /dev/} may be dropped) and {@link HypervisorDriver#devices} reports it the
 * same way; a failed attach says which volume and instance it was about and never shows a CHAP
 * secret; an attach asking for mutual CHAP from a driver that does not support it is refused
 * {@code UNSUPPORTED} and changes nothing.
 */
public abstract class HypervisorDriverContract {
    private static final String HEX = "0123456789abcdef";

    private HypervisorDriver driver;

    /** A driver for the hypervisor host under test; called before each test. */
    protected abstract HypervisorDriver newDriver() throws Exception;

    /** Starts a new running instance for the current test (the test's fixture stops it afterwards). */
    protected abstract String startInstance() throws Exception;

    /** Exports a new volume (a fresh volume id) for the current test. */
    protected abstract HypervisorTestTarget newTarget() throws Exception;

    /**
     * Everything of the kinds a driver adds to an instance (devices, block nodes, secret objects...),
     * by name. Two listings are compared to prove that a call left nothing behind.
     */
    protected abstract Set<String> instanceObjects(String instanceId) throws Exception;

    @BeforeEach
    final void openDriver() throws Exception {
        driver = newDriver();
    }

    /** The driver of the current test. */
    protected final HypervisorDriver driver() {
        return driver;
    }

    @Test
    void shouldShowAnAttachedVolumeInTheInstancesDevices() throws Exception {
        String instance = startInstance();
        HypervisorTestTarget target = newTarget();

        AttachedDevice attached = driver.attach(request(instance, "sdb", target, target.chap()));

        assertEquals(new AttachedDevice(instance, "sdb", target.volumeId()), attached);
        assertEquals(List.of(attached), driver.devices(instance));
    }

    @Test
    void shouldRemoveTheDeviceAndEverythingTheAttachMadeOnDetach() throws Exception {
        String instance = startInstance();
        HypervisorTestTarget target = newTarget();
        Set<String> before = instanceObjects(instance);
        driver.attach(request(instance, "sdb", target, target.chap()));
        assertNotEquals(before, instanceObjects(instance), "the attach shows in the listing of the instance");

        driver.detach(instance, target.volumeId());

        assertEquals(List.of(), driver.devices(instance));
        assertEquals(before, instanceObjects(instance));
    }

    @Test
    void shouldRefuseAWrongChapSecretAndLeaveNothingInTheInstance() throws Exception {
        String instance = startInstance();
        HypervisorTestTarget target = newTarget();
        Set<String> before = instanceObjects(instance);

        DriverException e = assertDriverException(DriverException.Code.IO_ERROR,
                () -> driver.attach(request(instance, "sdb", target, target.wrongChap())));

        assertMentions(e, target.volumeId(), instance);
        assertHidesSecrets(e, target.chapSecret(), target.wrongSecret());
        assertEquals(List.of(), driver.devices(instance));
        assertEquals(before, instanceObjects(instance));
        // Nothing half-made blocks the next, correct attach.
        driver.attach(request(instance, "sdb", target, target.chap()));
        assertEquals(1, driver.devices(instance).size());
    }

    @Test
    void shouldFailNotFoundForAnInstanceThatDoesNotExist() throws Exception {
        HypervisorTestTarget target = newTarget();
        String missing = "vbs-missing-" + ThreadLocalRandom.current().nextInt(1_000_000);

        DriverException e = assertDriverException(DriverException.Code.NOT_FOUND,
                () -> driver.attach(request(missing, "sdb", target, target.chap())));

        assertMentions(e, missing);
        assertHidesSecrets(e, target.chapSecret());
    }

    @Test
    void shouldSucceedDetachingAVolumeThatIsNotAttachedAndDetachingTwice() throws Exception {
        String instance = startInstance();
        HypervisorTestTarget target = newTarget();
        Set<String> before = instanceObjects(instance);

        driver.detach(instance, newVolumeId());
        driver.attach(request(instance, "sdb", target, target.chap()));
        driver.detach(instance, target.volumeId());
        driver.detach(instance, target.volumeId());

        assertEquals(List.of(), driver.devices(instance));
        assertEquals(before, instanceObjects(instance));
    }

    @Test
    void shouldAttachTwoVolumesToOneInstanceAndDetachThemOneByOne() throws Exception {
        String instance = startInstance();
        HypervisorTestTarget first = newTarget();
        HypervisorTestTarget second = newTarget();
        Set<String> before = instanceObjects(instance);

        AttachedDevice one = driver.attach(request(instance, "sdb", first, first.chap()));
        AttachedDevice two = driver.attach(request(instance, "sdc", second, second.chap()));

        assertEquals(Set.of(one, two), Set.copyOf(driver.devices(instance)));
        driver.detach(instance, first.volumeId());
        assertEquals(List.of(two), driver.devices(instance));
        driver.detach(instance, second.volumeId());
        assertEquals(List.of(), driver.devices(instance));
        assertEquals(before, instanceObjects(instance));
    }

    @Test
    void shouldRefuseMutualChapItDoesNotSupportBeforeTouchingTheInstance() throws Exception {
        assumeFalse(driver.supportsMutualChap(), "the driver supports mutual CHAP");
        String instance = startInstance();
        HypervisorTestTarget target = newTarget();
        Set<String> before = instanceObjects(instance);
        ChapCredentials mutual = new ChapCredentials(target.chapUser(), Secret.of(target.chapSecret().toCharArray()),
                Optional.of("target-user"), Optional.of(Secret.of("target-secret-0123".toCharArray())));

        DriverException e = assertDriverException(DriverException.Code.UNSUPPORTED,
                () -> driver.attach(request(instance, "sdb", target, mutual)));

        assertMentions(e, target.volumeId());
        assertEquals(before, instanceObjects(instance));
    }

    // ---------------------------------------------------------------- helpers for the suite and subclasses

    protected static DeviceAttachRequest request(String instance, String device, HypervisorTestTarget target,
                                                 ChapCredentials chap) {
        return new DeviceAttachRequest(instance, device, target.target(), target.initiatorIqn(), chap);
    }

    /** A fresh, well-formed volume id. */
    protected static String newVolumeId() {
        StringBuilder id = new StringBuilder("vol-");
        for (int i = 0; i < 17; i++) {
            id.append(HEX.charAt(ThreadLocalRandom.current().nextInt(16)));
        }
        return id.toString();
    }

    protected static DriverException assertDriverException(DriverException.Code code, Executable call) {
        DriverException e = assertThrows(DriverException.class, call);
        assertEquals(code, e.code(), () -> "code of: " + e.getMessage());
        return e;
    }

    protected static void assertMentions(Throwable e, String... words) {
        for (String word : words) {
            assertTrue(String.valueOf(e.getMessage()).contains(word), () -> "'" + word + "' in: " + e.getMessage());
        }
    }

    /** Neither the message nor any cause's or suppressed exception's message shows a secret. */
    protected static void assertHidesSecrets(Throwable e, String... secrets) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            for (String secret : secrets) {
                assertFalse(String.valueOf(t.getMessage()).contains(secret), () -> "a secret in: " + e);
                for (Throwable suppressed : t.getSuppressed()) {
                    assertFalse(String.valueOf(suppressed.getMessage()).contains(secret), () -> "a secret in: " + e);
                }
            }
        }
    }
}
