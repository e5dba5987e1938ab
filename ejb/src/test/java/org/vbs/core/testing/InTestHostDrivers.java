package org.vbs.core.testing;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import org.vbs.plugins.spi.DriverException;
import org.vbs.plugins.spi.export.ExportDriver;
import org.vbs.plugins.spi.export.ExportRequest;
import org.vbs.plugins.spi.export.ExportedTarget;
import org.vbs.plugins.spi.hypervisor.AttachedDevice;
import org.vbs.plugins.spi.hypervisor.DeviceAttachRequest;
import org.vbs.plugins.spi.hypervisor.HypervisorDriver;

/**
 * In-memory export and hypervisor drivers for the core's tests of attach and detach: they keep what
 * a real target and a real VM would hold (targets with their ACL and CHAP account, devices per
 * instance), so a test checks that nothing is left behind; a test can make any of their calls fail or hang.
 * The real drivers (tgt, QEMU, libvirt, Xen) are tested against the real tools in their own modules.
 */
public final class InTestHostDrivers {
    /** The calls a test can make fail. */
    public enum Call { EXPORT, UNEXPORT, ATTACH, DETACH, DEVICES }

    /** A target as the export driver holds it. */
    public record Target(String volumeId, String initiatorIqn, String initiatorAddress, String chapUser,
                         String chapSecret) {
    }

    private final Map<String, Target> targets = new ConcurrentHashMap<>();
    private final Map<String, AttachedDevice> devices = new ConcurrentHashMap<>();
    private final Map<String, String> deviceSecrets = new ConcurrentHashMap<>();
    private final Map<Call, DriverException.Code> failing = new EnumMap<>(Call.class);
    private final Map<Call, CountDownLatch> hanging = new EnumMap<>(Call.class);
    private final List<String> instances = new ArrayList<>(List.of("vm-1", "vm-2"));

    /** Makes {@code call} fail with IO_ERROR from now on (a host that refuses connections). */
    public void fail(Call call) {
        fail(call, DriverException.Code.IO_ERROR);
    }

    /** Makes {@code call} fail with {@code code} from now on (a host that answers with an error). */
    public synchronized void fail(Call call, DriverException.Code code) {
        failing.put(call, code);
    }

    /**
     * Makes {@code call} hang from now on until {@code release} counts down, deaf to interrupts (as a call
     * blocked on the socket of a frozen VM is); it then goes on as it would have.
     */
    public synchronized void hang(Call call, CountDownLatch release) {
        hanging.put(call, release);
    }

    public synchronized void heal() {
        failing.clear();
        hanging.clear();
    }

    /** Targets by IQN. */
    public Map<String, Target> targets() {
        return Map.copyOf(targets);
    }

    /** Devices by instance + volume. */
    public Map<String, AttachedDevice> devices() {
        return Map.copyOf(devices);
    }

    /** The CHAP secret the hypervisor side logged in with, by volume. */
    public Map<String, String> deviceSecrets() {
        return Map.copyOf(deviceSecrets);
    }

    private void check(Call call, String what) throws DriverException {
        CountDownLatch release;
        synchronized (this) {
            release = hanging.get(call);
        }
        if (release != null) {
            awaitDeafToInterrupts(release);
        }
        DriverException.Code code;
        synchronized (this) {
            code = failing.get(call);
        }
        if (code != null) {
            throw new DriverException(code, call + " of " + what + " failed as the test asked");
        }
    }

    private static void awaitDeafToInterrupts(CountDownLatch release) {
        boolean interrupted = false;
        while (true) {
            try {
                release.await();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    public final ExportDriver export = new ExportDriver() {
        @Override
        public ExportedTarget export(ExportRequest request) throws DriverException {
            check(Call.EXPORT, request.targetIqn());
            targets.put(request.targetIqn(), new Target(request.volumeId(), request.initiatorIqn(),
                    request.initiatorAddress(), request.chap().user(), new String(request.chap().secret().reveal())));
            return new ExportedTarget(request.targetIqn(), "127.0.0.1:3260", 1, request.volumeId());
        }

        @Override
        public void unexport(String targetIqn) throws DriverException {
            check(Call.UNEXPORT, targetIqn);
            targets.remove(targetIqn);
        }

        @Override
        public List<ExportedTarget> exports() {
            return targets.entrySet().stream().map(e -> new ExportedTarget(e.getKey(), "127.0.0.1:3260", 1,
                    e.getValue().volumeId())).toList();
        }
    };

    public final HypervisorDriver hypervisor = new HypervisorDriver() {
        @Override
        public boolean supportsMutualChap() {
            return false;
        }

        @Override
        public AttachedDevice attach(DeviceAttachRequest request) throws DriverException {
            check(Call.ATTACH, request.volumeId());
            if (!instances.contains(request.instanceId())) {
                throw new DriverException(DriverException.Code.NOT_FOUND, "no instance " + request.instanceId());
            }
            Target target = targets.get(request.target().iqn());
            if (target == null || !target.chapSecret().equals(new String(request.chap().secret().reveal()))
                    || !target.initiatorIqn().equals(request.initiatorIqn())) {
                throw new DriverException(DriverException.Code.IO_ERROR, "login to " + request.target().iqn()
                        + " refused");
            }
            AttachedDevice device = new AttachedDevice(request.instanceId(), request.device(), request.volumeId());
            devices.put(request.instanceId() + "/" + request.volumeId(), device);
            deviceSecrets.put(request.volumeId(), new String(request.chap().secret().reveal()));
            return device;
        }

        @Override
        public void detach(String instanceId, String volumeId) throws DriverException {
            check(Call.DETACH, volumeId);
            devices.remove(instanceId + "/" + volumeId);
        }

        @Override
        public List<AttachedDevice> devices(String instanceId) throws DriverException {
            check(Call.DEVICES, instanceId);
            if (!instances.contains(instanceId)) {
                throw new DriverException(DriverException.Code.NOT_FOUND, "no instance " + instanceId);
            }
            return devices.values().stream().filter(d -> d.instanceId().equals(instanceId)).toList();
        }
    };
}
