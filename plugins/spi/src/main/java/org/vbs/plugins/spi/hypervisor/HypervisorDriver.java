package org.vbs.plugins.spi.hypervisor;

import java.util.List;
import org.vbs.plugins.spi.DriverException;

/**
 * Attaches exported volumes to running VMs on one hypervisor host, and detaches them.
 *
 * <p>A failed {@link #attach} leaves nothing in the VM (no secret object, no block node, no device).
 * {@link #detach} waits until the guest has let the device go, then removes everything the attach
 * made; detaching what is not attached succeeds.
 */
@org.osgi.annotation.versioning.ConsumerType
public interface HypervisorDriver {

    /** Whether the host side can check the target's identity too (mutual CHAP). */
    boolean supportsMutualChap();

    /**
     * @throws DriverException {@code NOT_FOUND} when the instance does not exist; {@code IO_ERROR}
     *         when the login to the target or the hot-plug failed
     */
    AttachedDevice attach(DeviceAttachRequest request) throws DriverException;

    /** Detaches the volume's device from the instance. */
    void detach(String instanceId, String volumeId) throws DriverException;

    /** The volumes' devices this driver attached to the instance. */
    List<AttachedDevice> devices(String instanceId) throws DriverException;
}
