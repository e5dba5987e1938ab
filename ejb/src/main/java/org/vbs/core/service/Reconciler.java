package org.vbs.core.service;

import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.jboss.logging.Logger;
import org.vbs.core.api.SnapshotState;
import org.vbs.core.api.StorageReconciliation.Finding;
import org.vbs.core.api.StorageReconciliation.Kind;
import org.vbs.core.api.StorageReconciliation.Outcome;
import org.vbs.core.api.StorageReconciliation.Policy;
import org.vbs.core.api.StorageReconciliation.Report;
import org.vbs.core.api.StorageReconciliation.Unchecked;
import org.vbs.core.api.VolumeState;
import org.vbs.core.domain.Attachment;
import org.vbs.core.domain.Causes;
import org.vbs.core.domain.SnapshotRecord;
import org.vbs.core.domain.VolumeRecord;
import org.vbs.core.host.DriverKind;
import org.vbs.core.host.HostRegistration;
import org.vbs.core.ops.OperationRecord;
import org.vbs.plugins.spi.DriverException;
import org.vbs.plugins.spi.export.ExportedTarget;
import org.vbs.plugins.spi.hypervisor.AttachedDevice;
import org.vbs.plugins.spi.volume.VolumeInventory;

/**
 * The storage reconciler: compares what the hosts hold with the metadata, reports what does not match,
 * removes orphans when the policy is {@code clean}, and marks volumes and snapshots whose storage is gone
 * {@code error} (under either policy: the metadata must not promise storage that is not there).
 *
 * <p>Why it never takes what VBS is making for an orphan: every operation claims its volume, snapshot
 * or attachment in the metadata (with its journal record) before it makes storage, a target or a
 * device, and removes the claim only after it removed them. So the hosts are listed first and the
 * metadata and the journal read afterwards: whatever was listed and is still being made is then known,
 * and whatever an operation is working on (any id its journal record names) is left alone. Storage that
 * changed within the grace period is left alone too, in case a driver publishes a file before the
 * operation's claim is visible on this node. Just before removing an orphan, the metadata and journal
 * are read again.
 *
 * <p>In a cluster every node runs it, without a lock: cleaning is idempotent (deleting storage,
 * unexporting a target or detaching a device that is already gone succeeds) and marking {@code error}
 * is a compare-and-set on the version that was looked at, so two nodes running at once do each thing
 * once in effect, and a node that dies half-way leaves nothing a later run does not finish. A lock
 * would add a holder that can die or freeze, for no gain.
 *
 * <p>Hypervisor devices are checked only in the instances that attachments name: the hypervisor SPI
 * cannot list a host's instances, so a VBS device in an instance no attachment names is not found
 * (each report says so for every hypervisor host).
 */
final class Reconciler {
    static final String OPERATION = "ReconcileStorage";
    static final String VOLUME_STORAGE = "volume storage";
    static final String EXPORT_TARGETS = "export targets";
    static final String HYPERVISOR_DEVICES = "hypervisor devices";
    static final String DEVICES_NOT_LISTED = "only the instances that attachments name are checked: the hypervisor"
            + " driver cannot list the host's instances";

    private static final Logger LOG = Logger.getLogger(Reconciler.class);

    /**
     * What an operator sets, as server system properties: {@value #POLICY_PROPERTY} ({@code report} or
     * {@code clean}), {@value #INTERVAL_PROPERTY} (how often it runs by itself; {@code off} or a zero
     * duration: never, only when an operator asks) and {@value #GRACE_PROPERTY} (how old storage must be
     * to count as an orphan); durations as ISO-8601 or whole seconds.
     *
     * @param interval how often it runs by itself (and once at start-up); empty: only when asked
     */
    record Settings(Policy policy, Optional<Duration> interval, Duration grace) {
        static final String POLICY_PROPERTY = "vbs.reconciler.policy";
        static final String INTERVAL_PROPERTY = "vbs.reconciler.interval";
        static final String GRACE_PROPERTY = "vbs.reconciler.grace";
        static final Settings DEFAULT = new Settings(Policy.REPORT, Optional.of(Duration.ofMinutes(10)),
                Duration.ofMinutes(5));

        Settings {
            Objects.requireNonNull(policy, "policy");
            Objects.requireNonNull(interval, "interval");
            Objects.requireNonNull(grace, "grace");
        }

        /** @throws IllegalArgumentException naming the property whose value is bad */
        static Settings from(Properties properties) {
            Policy policy = Optional.ofNullable(properties.getProperty(POLICY_PROPERTY)).map(String::strip)
                    .map(text -> Policy.fromWireName(text).orElseThrow(() -> new IllegalArgumentException(
                            "System property " + POLICY_PROPERTY + " is '" + text + "': expected report or clean")))
                    .orElse(DEFAULT.policy());
            Optional<Duration> interval = Optional.ofNullable(properties.getProperty(INTERVAL_PROPERTY))
                    .map(String::strip).map(text -> text.equals("off") ? Duration.ZERO : duration(INTERVAL_PROPERTY, text))
                    .map(d -> d.isZero() ? Optional.<Duration>empty() : Optional.of(d)).orElse(DEFAULT.interval());
            Duration grace = Optional.ofNullable(properties.getProperty(GRACE_PROPERTY)).map(String::strip)
                    .map(text -> duration(GRACE_PROPERTY, text)).orElse(DEFAULT.grace());
            return new Settings(policy, interval, grace);
        }

        private static Duration duration(String name, String value) {
            try {
                Duration parsed = value.chars().allMatch(Character::isDigit) && !value.isEmpty() && value.length() <= 9
                        ? Duration.ofSeconds(Long.parseLong(value)) : Duration.parse(value);
                if (!parsed.isNegative()) {
                    return parsed;
                }
            } catch (DateTimeParseException e) {
                // Answered below, naming the property.
            }
            throw new IllegalArgumentException("System property " + name + " is '" + value + "': expected an"
                    + " ISO-8601 duration such as PT10M, or a whole number of seconds");
        }
    }

    /** A host call that failed or did not answer in time. */
    private static final class CallFailed extends Exception {
        private static final long serialVersionUID = 1L;

        CallFailed(String message) {
            super(message);
        }
    }

    @FunctionalInterface
    private interface HostCall<T> {
        T call() throws Exception;
    }

    @FunctionalInterface
    private interface HostAction {
        void run() throws Exception;
    }

    /** What the hosts hold, listed before the metadata is read. */
    private record Listings(Map<String, VolumeInventory> storage, Map<String, List<ExportedTarget>> targets,
                            Map<String, List<AttachedDevice>> devices, List<Unchecked> unchecked) {
    }

    /** The metadata and the journal as read after the listings. */
    private record Known(Map<String, VolumeRecord> volumes, Map<String, SnapshotRecord> snapshots, Set<String> busy) {
        boolean volumeKnown(String id) {
            return volumes.containsKey(id) || busy.contains(id);
        }

        boolean snapshotKnown(String id) {
            return snapshots.containsKey(id) || busy.contains(id);
        }

        boolean targetKnown(String iqn, String volumeId) {
            return busy.contains(volumeId) || Optional.ofNullable(volumes.get(volumeId)).flatMap(VolumeRecord::attachment)
                    .map(Attachment::targetIqn).filter(iqn::equals).isPresent();
        }

        boolean deviceKnown(String host, AttachedDevice device) {
            return busy.contains(device.volumeId()) || Optional.ofNullable(volumes.get(device.volumeId()))
                    .flatMap(VolumeRecord::attachment)
                    .filter(a -> a.host().equals(host) && a.instanceId().equals(device.instanceId())).isPresent();
        }
    }

    private final CoreContext core;
    private final ExecutorService driverCalls;
    private final Settings settings;

    /** @param driverCalls where host calls run, so one that hangs is cut off after the host-call timeout */
    Reconciler(CoreContext core, ExecutorService driverCalls, Settings settings) {
        this.core = Objects.requireNonNull(core, "core");
        this.driverCalls = Objects.requireNonNull(driverCalls, "driverCalls");
        this.settings = Objects.requireNonNull(settings, "settings");
    }

    Settings settings() {
        return settings;
    }

    /** A run on the server's own schedule, with its policy; a failure is logged, never thrown. */
    void runScheduled() {
        try {
            run(settings.policy());
        } catch (RuntimeException e) {
            // E.g. the metadata cannot be read on a partition's minority side: the next run tries again.
            LOG.warnf("%s: the scheduled run failed (%s); trying again at the next one", OPERATION, Causes.describe(e));
        }
    }

    Report run(Policy policy) {
        Instant started = core.clock().instant();
        LOG.infof("%s: run with policy %s on node %s", OPERATION, policy.wireName(), core.runner().node());
        Listings listed = list();
        Known known = readKnown();
        List<Finding> findings = new ArrayList<>();
        Instant recent = started.minus(settings.grace());
        listed.storage().forEach((host, inventory) -> {
            new TreeMap<>(inventory.volumes()).forEach((id, modified) -> {
                if (!known.volumeKnown(id)) {
                    findings.add(orphan(policy, host, Kind.ORPHAN_VOLUME_STORAGE, id, "", modified.isAfter(recent),
                            () -> readKnown().volumeKnown(id), () -> core.hosts().volumeDriver(host).deleteVolume(id)));
                }
            });
            new TreeMap<>(inventory.snapshots()).forEach((id, modified) -> {
                if (!known.snapshotKnown(id)) {
                    findings.add(orphan(policy, host, Kind.ORPHAN_SNAPSHOT_STORAGE, id, "", modified.isAfter(recent),
                            () -> readKnown().snapshotKnown(id), () -> core.hosts().volumeDriver(host).deleteSnapshot(id)));
                }
            });
        });
        listed.targets().forEach((host, targets) -> targets.stream()
                .filter(t -> !known.targetKnown(t.iqn(), t.volumeId()))
                .forEach(t -> findings.add(orphan(policy, host, Kind.ORPHAN_TARGET, t.iqn(), "volume " + t.volumeId(),
                        false, () -> readKnown().targetKnown(t.iqn(), t.volumeId()),
                        () -> core.hosts().exportDriver(host).unexport(t.iqn())))));
        listed.devices().forEach((host, devices) -> devices.stream()
                .filter(d -> !known.deviceKnown(host, d))
                .forEach(d -> findings.add(orphan(policy, host, Kind.ORPHAN_DEVICE, d.volumeId(),
                        "instance " + d.instanceId() + " device " + d.device(), false,
                        () -> readKnown().deviceKnown(host, d),
                        () -> core.hosts().hypervisorDriver(host).detach(d.instanceId(), d.volumeId())))));
        findings.addAll(missingStorage(listed, known));
        Report report = new Report(core.runner().node(), policy, started, findings, listed.unchecked());
        LOG.infof("%s: %d finding(s), %d thing(s) not checked", OPERATION, findings.size(), listed.unchecked().size());
        return report;
    }

    /** Everything the hosts hold: storage and targets of every volume server, devices of attached instances. */
    private Listings list() {
        Map<String, VolumeInventory> storage = new LinkedHashMap<>();
        Map<String, List<ExportedTarget>> targets = new LinkedHashMap<>();
        Map<String, List<AttachedDevice>> devices = new LinkedHashMap<>();
        List<Unchecked> unchecked = new ArrayList<>();
        List<HostRegistration> hosts = core.hosts().registrations();
        for (HostRegistration host : hosts) {
            String name = host.name();
            if (host.drivers().containsKey(DriverKind.VOLUME)) {
                listed(name, VOLUME_STORAGE, () -> core.hosts().volumeDriver(name).inventory(), unchecked)
                        .ifPresent(inventory -> storage.put(name, inventory));
            }
            if (host.drivers().containsKey(DriverKind.EXPORT)) {
                listed(name, EXPORT_TARGETS, () -> core.hosts().exportDriver(name).exports(), unchecked)
                        .ifPresent(list -> targets.put(name, list));
            }
        }
        // Listed after the storage, still before the metadata that decides: an attachment's instance.
        Map<String, Set<String>> instances = new TreeMap<>();
        core.store().allVolumes().stream().flatMap(v -> v.attachment().stream())
                .forEach(a -> instances.computeIfAbsent(a.host(), h -> new TreeSet<>()).add(a.instanceId()));
        for (HostRegistration host : hosts) {
            if (!host.drivers().containsKey(DriverKind.HYPERVISOR)) {
                continue;
            }
            String name = host.name();
            unchecked.add(new Unchecked(name, HYPERVISOR_DEVICES, DEVICES_NOT_LISTED));
            for (String instance : instances.getOrDefault(name, Set.of())) {
                listed(name, HYPERVISOR_DEVICES + " of instance " + instance, () -> devicesOf(name, instance), unchecked)
                        .ifPresent(found -> devices.computeIfAbsent(name, h -> new ArrayList<>()).addAll(found));
            }
        }
        return new Listings(storage, targets, devices, unchecked);
    }

    /** An instance that is not running holds no device. */
    private List<AttachedDevice> devicesOf(String host, String instance) throws DriverException {
        try {
            return core.hosts().hypervisorDriver(host).devices(instance);
        } catch (DriverException e) {
            if (e.code() == DriverException.Code.NOT_FOUND) {
                return List.of();
            }
            throw e;
        }
    }

    private <T> Optional<T> listed(String host, String what, HostCall<T> listing, List<Unchecked> unchecked) {
        try {
            return Optional.of(call(listing));
        } catch (CallFailed e) {
            LOG.warnf("%s: host %s: %s not checked: %s", OPERATION, host, what, e.getMessage());
            unchecked.add(new Unchecked(host, what, e.getMessage()));
            return Optional.empty();
        }
    }

    private Known readKnown() {
        Set<String> busy = new HashSet<>();
        for (OperationRecord operation : core.store().allOperations()) {
            // Whatever an operation names (its resource, a snapshot's volume, a copy's source) is in its hands.
            busy.add(operation.resourceId());
            busy.addAll(operation.parameters().values());
        }
        Map<String, VolumeRecord> volumes = core.store().allVolumes().stream()
                .collect(Collectors.toMap(VolumeRecord::id, Function.identity()));
        Map<String, SnapshotRecord> snapshots = core.store().allSnapshots().stream()
                .collect(Collectors.toMap(SnapshotRecord::id, Function.identity()));
        return new Known(volumes, snapshots, busy);
    }

    private Finding orphan(Policy policy, String host, Kind kind, String id, String detail, boolean tooRecent,
                           BooleanSupplier knownNow, HostAction clean) {
        Finding finding;
        if (tooRecent) {
            finding = new Finding(host, kind, id, detail, Outcome.TOO_RECENT, Optional.empty());
        } else if (policy == Policy.REPORT) {
            finding = new Finding(host, kind, id, detail, Outcome.REPORTED, Optional.empty());
        } else if (knownNow.getAsBoolean()) {
            finding = new Finding(host, kind, id, detail, Outcome.CHANGED, Optional.empty());
        } else {
            Optional<String> problem;
            try {
                call(() -> {
                    clean.run();
                    return null;
                });
                problem = Optional.empty();
            } catch (CallFailed e) {
                problem = Optional.of(e.getMessage());
            }
            finding = new Finding(host, kind, id, detail, problem.isEmpty() ? Outcome.CLEANED : Outcome.CLEAN_FAILED,
                    problem);
        }
        log(finding);
        return finding;
    }

    /** Settled volumes and completed snapshots whose storage the listing of their volume server lacks. */
    private List<Finding> missingStorage(Listings listed, Known known) {
        List<Finding> findings = new ArrayList<>();
        for (VolumeRecord volume : new TreeMap<>(known.volumes()).values()) {
            VolumeInventory inventory = listed.storage().get(volume.host());
            if (inventory == null || inventory.volumes().containsKey(volume.id()) || known.busy().contains(volume.id())
                    || (volume.state() != VolumeState.AVAILABLE && volume.state() != VolumeState.IN_USE)) {
                continue;
            }
            // Listed before the metadata was read: it may have been made since. Asked once more, now.
            if (stillMissing(volume.host(), () -> core.hosts().volumeDriver(volume.host()).volumeExists(volume.id()))) {
                String reason = "its storage on host " + volume.host() + " is gone (found by " + OPERATION + " at "
                        + core.clock().instant() + ")";
                boolean marked = core.transactions().run(OPERATION + ": " + volume.id() + " -> error", () -> {
                    Optional<VolumeRecord> current = core.store().volume(volume.id());
                    if (current.isEmpty() || current.get().version() != volume.version()) {
                        return false;
                    }
                    core.store().replaceVolume(current.get(), current.get().markError(reason, OPERATION));
                    return true;
                });
                findings.add(log(new Finding(volume.host(), Kind.MISSING_VOLUME_STORAGE, volume.id(),
                        "was " + volume.state().wireName(), marked ? Outcome.MARKED_ERROR : Outcome.CHANGED,
                        Optional.empty())));
            }
        }
        for (SnapshotRecord snapshot : new TreeMap<>(known.snapshots()).values()) {
            VolumeInventory inventory = listed.storage().get(snapshot.host());
            if (inventory == null || inventory.snapshots().containsKey(snapshot.id())
                    || known.busy().contains(snapshot.id()) || snapshot.state() != SnapshotState.COMPLETED) {
                continue;
            }
            if (stillMissing(snapshot.host(),
                    () -> core.hosts().volumeDriver(snapshot.host()).snapshotExists(snapshot.id()))) {
                String reason = "its storage on host " + snapshot.host() + " is gone (found by " + OPERATION + " at "
                        + core.clock().instant() + ")";
                boolean marked = core.transactions().run(OPERATION + ": " + snapshot.id() + " -> error", () -> {
                    Optional<SnapshotRecord> current = core.store().snapshot(snapshot.id());
                    if (current.isEmpty() || current.get().version() != snapshot.version()) {
                        return false;
                    }
                    core.store().replaceSnapshot(current.get(), current.get().markError(reason, OPERATION));
                    return true;
                });
                findings.add(log(new Finding(snapshot.host(), Kind.MISSING_SNAPSHOT_STORAGE, snapshot.id(),
                        "volume " + snapshot.volumeId(), marked ? Outcome.MARKED_ERROR : Outcome.CHANGED,
                        Optional.empty())));
            }
        }
        return findings;
    }

    /** Whether the storage is still missing; a host that does not answer now is not taken to have lost it. */
    private boolean stillMissing(String host, HostCall<Boolean> exists) {
        try {
            return !call(exists);
        } catch (CallFailed e) {
            LOG.warnf("%s: host %s did not say whether storage exists (%s); not marked", OPERATION, host,
                    e.getMessage());
            return false;
        }
    }

    private static Finding log(Finding finding) {
        LOG.infof("%s: host %s: %s %s%s: %s%s", OPERATION, finding.host(), finding.kind().wireName(),
                finding.resourceId(), finding.detail().isEmpty() ? "" : " (" + finding.detail() + ")",
                finding.outcome().wireName(), finding.problem().map(p -> ": " + p).orElse(""));
        return finding;
    }

    /** Runs a host call on its own thread, cut off after the host-call timeout; any failure as its message. */
    private <T> T call(HostCall<T> work) throws CallFailed {
        Duration timeout = core.timeouts().hostCall();
        Future<T> future = driverCalls.submit(work::call);
        try {
            return future.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            future.cancel(true);
            throw new CallFailed("no answer within " + timeout);
        } catch (ExecutionException e) {
            throw new CallFailed(Causes.describe(e.getCause()));
        } catch (InterruptedException e) {
            future.cancel(true);
            Thread.currentThread().interrupt();
            throw new CallFailed("interrupted");
        }
    }
}
