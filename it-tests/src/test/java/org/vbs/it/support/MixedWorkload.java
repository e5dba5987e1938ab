package org.vbs.it.support;

import jakarta.xml.ws.WebServiceException;
import java.time.Duration;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.vbs.it.client.AttachmentSetItemResponseType;
import org.vbs.it.client.DescribeVolumesSetItemResponseType;
import org.vbs.it.client.VbsFault;

/**
 * Many EBS users' work at once through one endpoint (a balancer), each client a user of its own (as
 * EBS users are accounts of their own, so no two clients contend for one owner's index), in cycles: CreateVolume (with a client token of its own), DescribeVolumes until it is available,
 * for the clients given a device of their own an AttachVolume to the lab's VM and a DetachVolume, each
 * checked by a Describe, and DeleteVolume.
 *
 * <p>The clients behave as careful clients of a balanced service do. A call that got no answer (the
 * connection broke, the balancer answered with an HTTP error) or was refused with ServiceUnavailable
 * is tried once more, after a pause: a CreateVolume and a Describe at once (the token makes the create safe to
 * repeat); an attach, detach or delete only after the volume has settled, and not at all when the
 * first try has taken effect (the operation finished, or a survivor finished it). A call that fails
 * after that is a failure of the run. At the end nothing of the run is left: a volume made twice for
 * one token, or a delete that was lost, would be.
 */
public final class MixedWorkload {
    /** How long a client waits for its volume to settle (a survivor takes a dead node's operation over). */
    private static final Duration SETTLE = Duration.ofMinutes(2);
    private static final Duration POLL = Duration.ofMillis(200);
    /**
     * How long a client waits before its one retry, as SDKs back off: long enough for the balancer to
     * have marked a dead node down (checks every second, down after two failures), so that the retry
     * does not meet the same node.
     */
    private static final Duration RETRY_PAUSE = Duration.ofSeconds(3);
    private static final Set<String> TRANSITIONAL = Set.of("creating", "attaching", "detaching", "deleting");

    private final Supplier<Caller> callers;
    private final String host;
    private final String instance;
    private final List<Optional<String>> devices;
    private final int callsPerClient;
    private final BooleanSupplier enough;
    private final String run;
    private final AtomicLong calls = new AtomicLong();
    private final AtomicLong retried = new AtomicLong();
    private final List<String> failures = Collections.synchronizedList(new ArrayList<>());
    private final Map<String, Set<String>> volumesByToken = new ConcurrentHashMap<>();
    private final List<Caller> clients = Collections.synchronizedList(new ArrayList<>());

    /**
     * @param callers       a new caller (its own port, and a user of its own) for each client
     * @param host          the hypervisor host of the attaches
     * @param instance      the instance the attaches go to
     * @param devices       one per client: the device its attaches use, or empty for a client that never attaches
     * @param callsPerClient how many calls each client makes at least, its last cycle finished
     */
    public MixedWorkload(Supplier<Caller> callers, String host, String instance, List<Optional<String>> devices,
                         int callsPerClient) {
        this(callers, host, instance, devices, callsPerClient, () -> true);
    }

    /**
     * @param enough whether the run may end: each client goes on with further cycles past its
     *        {@code callsPerClient} until it says so (a test that must see something happen under load)
     */
    public MixedWorkload(Supplier<Caller> callers, String host, String instance, List<Optional<String>> devices,
                         int callsPerClient, BooleanSupplier enough) {
        this.callers = callers;
        this.host = host;
        this.instance = instance;
        this.devices = List.copyOf(devices);
        this.callsPerClient = callsPerClient;
        this.enough = enough;
        this.run = "mixed-" + Long.toHexString(System.nanoTime());
    }

    /** What a run did. */
    public record Result(List<Caller> clients, long calls, long retried, List<String> failures,
                         Map<String, Set<String>> volumesByToken, Duration took) {
        public double callsPerSecond() {
            return calls * 1000.0 / Math.max(1, took.toMillis());
        }

        /** The tokens that made more than one volume (none, if the service keeps its promise). */
        public Map<String, Set<String>> tokensWithSeveralVolumes() {
            Map<String, Set<String>> several = new TreeMap<>();
            volumesByToken.forEach((token, ids) -> {
                if (ids.size() > 1) {
                    several.put(token, ids);
                }
            });
            return several;
        }

        /** Every volume the run made. */
        public Set<String> volumes() {
            Set<String> all = new TreeSet<>();
            volumesByToken.values().forEach(all::addAll);
            return all;
        }
    }

    /** The calls made so far, while the run goes on. */
    public long callsSoFar() {
        return calls.get();
    }

    /** Runs every client on a thread of its own until each has made its calls. */
    public Result run() throws InterruptedException {
        long start = System.nanoTime();
        ExecutorService threads = Executors.newFixedThreadPool(devices.size());
        try {
            List<Future<?>> clients = new ArrayList<>();
            for (int client = 0; client < devices.size(); client++) {
                int index = client;
                clients.add(threads.submit(() -> client(index)));
            }
            for (Future<?> client : clients) {
                try {
                    client.get();
                } catch (java.util.concurrent.ExecutionException e) {
                    failures.add("a client ended with " + e.getCause());
                }
            }
        } finally {
            threads.shutdownNow();
            threads.awaitTermination(1, TimeUnit.MINUTES);
        }
        return new Result(List.copyOf(clients), calls.get(), retried.get(), List.copyOf(failures),
                Map.copyOf(volumesByToken), Duration.ofNanos(System.nanoTime() - start));
    }

    private Void client(int index) throws Exception {
        Caller caller = callers.get();
        clients.add(caller);
        Client client = new Client(caller);
        Optional<String> device = devices.get(index);
        for (int cycle = 0; client.calls < callsPerClient || !enough.getAsBoolean(); cycle++) {
            String token = run + "-" + index + "-" + cycle;
            try {
                client.cycle(token, device);
            } catch (CallFailed failed) {
                failures.add(LocalTime.now() + " client " + index + ", token " + token + ": " + failed.getMessage());
                return null;
            }
        }
        return null;
    }

    /** One client: its own port, and how many calls it made (its share of the run). */
    private final class Client {
        private final Caller caller;
        private long calls;

        Client(Caller caller) {
            this.caller = caller;
        }

        private void counted() {
            calls++;
            MixedWorkload.this.calls.incrementAndGet();
        }

        void cycle(String token, Optional<String> device) throws Exception {
            String volume = call("CreateVolume " + token,
                    () -> caller.createVolume("1", Optional.of(token)).getVolumeId(), Optional.empty());
            volumesByToken.computeIfAbsent(token, t -> ConcurrentHashMap.newKeySet()).add(volume);
            expect(settled(volume), "available", 0, volume);
            if (device.isPresent()) {
                call("AttachVolume " + volume, () -> caller.attachVolume(volume, host, instance, device.get()),
                        Optional.of(() -> tookEffect(volume, "in-use")));
                DescribeVolumesSetItemResponseType attached = expect(describe(volume), "in-use", 1, volume);
                AttachmentSetItemResponseType attachment = attached.getAttachmentSet().getItem().get(0);
                if (!device.get().equals(attachment.getDevice()) || !instance.equals(attachment.getInstanceId())) {
                    throw new CallFailed(volume + " is attached as " + attachment.getDevice() + " of "
                            + attachment.getInstanceId() + ", asked " + device.get() + " of " + instance);
                }
                call("DetachVolume " + volume,
                        () -> caller.detachVolume(volume, Optional.empty(), Optional.empty(), false),
                        Optional.of(() -> tookEffect(volume, "available")));
                expect(describe(volume), "available", 0, volume);
            }
            call("DeleteVolume " + volume, () -> {
                caller.deleteVolume(volume);
                return volume;
            }, Optional.of(() -> tookEffect(volume, "deleting")));
        }

        /**
         * One call, tried once more after no answer or ServiceUnavailable; a state-changing call only if
         * {@code tookEffect} (which waits for the volume to settle) finds the first try did not take effect.
         */
        private <T> T call(String what, Callable<T> call, Optional<Callable<Optional<?>>> tookEffect) throws Exception {
            try {
                counted();
                return call.call();
            } catch (WebServiceException | VbsFault first) {
                if (first instanceof VbsFault fault && !"ServiceUnavailable".equals(Faults.code(fault))) {
                    throw new CallFailed(what + ": " + Faults.code(fault) + ": " + Faults.message(fault));
                }
                retried.incrementAndGet();
                Thread.sleep(RETRY_PAUSE.toMillis());
                if (tookEffect.isPresent() && tookEffect.get().call().isPresent()) {
                    return null;
                }
                try {
                    counted();
                    return call.call();
                } catch (WebServiceException | VbsFault second) {
                    throw new CallFailed(what + " failed twice: " + faultText(first) + "; then " + faultText(second));
                }
            }
        }

        /** The volume once settled; present if it is (or, for a delete, went) where the call would have taken it. */
        private Optional<?> tookEffect(String volume, String wanted) throws Exception {
            try {
                DescribeVolumesSetItemResponseType settled = settled(volume);
                return Optional.of(settled).filter(v -> wanted.equals(v.getStatus()));
            } catch (VolumeGone gone) {
                return "deleting".equals(wanted) ? Optional.of(volume) : Optional.empty();
            }
        }

        /** Describes the volume until it is in no transitional state (a deleting one counts as settled). */
        private DescribeVolumesSetItemResponseType settled(String volume) throws Exception {
            long deadline = System.nanoTime() + SETTLE.toNanos();
            while (true) {
                Optional<DescribeVolumesSetItemResponseType> seen = describeOnce(volume);
                if (seen.isPresent() && (!TRANSITIONAL.contains(seen.get().getStatus())
                        || "deleting".equals(seen.get().getStatus()))) {
                    return seen.get();
                }
                if (System.nanoTime() > deadline) {
                    throw new CallFailed(volume + " did not settle in " + SETTLE.toSeconds() + " s: " + seen.map(
                            DescribeVolumesSetItemResponseType::getStatus).orElse("no answer"));
                }
                Thread.sleep(POLL.toMillis());
            }
        }

        private DescribeVolumesSetItemResponseType describe(String volume) throws Exception {
            return call("DescribeVolumes " + volume, () -> caller.volume(volume), Optional.empty());
        }

        /** One Describe: empty when it got no answer or ServiceUnavailable (the caller polls on). */
        private Optional<DescribeVolumesSetItemResponseType> describeOnce(String volume) throws Exception {
            counted();
            try {
                return Optional.of(caller.volume(volume));
            } catch (WebServiceException noAnswer) {
                return Optional.empty();
            } catch (VbsFault fault) {
                if ("InvalidVolume.NotFound".equals(Faults.code(fault))) {
                    throw new VolumeGone();
                }
                if ("ServiceUnavailable".equals(Faults.code(fault))) {
                    return Optional.empty();
                }
                throw new CallFailed("DescribeVolumes " + volume + ": " + faultText(fault));
            }
        }
    }

    private static DescribeVolumesSetItemResponseType expect(DescribeVolumesSetItemResponseType volume, String status,
                                                             int attachments, String id) {
        int has = volume.getAttachmentSet() == null ? 0 : volume.getAttachmentSet().getItem().size();
        if (!status.equals(volume.getStatus()) || has != attachments) {
            throw new CallFailed(id + " is " + volume.getStatus() + " with " + has + " attachment(s), expected "
                    + status + " with " + attachments);
        }
        return volume;
    }

    /** A fault's code and message; for no answer, the chain of causes (what broke: connect, send, receive). */
    private static String faultText(Exception failure) {
        if (failure instanceof VbsFault fault) {
            return Faults.code(fault) + ": " + Faults.message(fault);
        }
        StringBuilder chain = new StringBuilder(failure.toString());
        for (Throwable cause = failure.getCause(); cause != null && cause != cause.getCause(); cause = cause.getCause()) {
            chain.append(" <- ").append(cause);
        }
        return chain.toString();
    }

    /** A call that failed beyond the one retry, or a volume not where the calls put it. */
    private static final class CallFailed extends RuntimeException {
        CallFailed(String message) {
            super(message);
        }
    }

    /** The volume is not found: deleted. */
    private static final class VolumeGone extends RuntimeException {
        VolumeGone() {
            super("the volume is gone");
        }
    }
}
