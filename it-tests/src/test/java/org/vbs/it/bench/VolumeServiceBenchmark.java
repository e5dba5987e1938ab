package org.vbs.it.bench;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.vbs.it.client.VbsFault;
import org.vbs.it.support.Caller;
import org.vbs.it.support.Callers;
import org.vbs.it.support.Faults;
import org.vbs.it.support.ItConfig;
import org.vbs.it.support.MixedWorkload;
import org.vbs.it.support.ServerProcess;
import org.vbs.it.support.VbsHomes;

/**
 * The first benchmark (profile {@code benchmark} only: {@code mvn -Pbenchmark verify -pl it-tests}):
 * signed CreateVolume and DescribeVolumes at 1 and 8 concurrent clients (calls/s, p50 and p99
 * latency, after a warm-up), and CreateVolume latency for 1 GiB against 1 TiB volumes. It prints
 * figures (and writes them to target/it-work/benchmark.txt); it asserts nothing about speed. Every volume it
 * makes is deleted again. Client and server share this machine's cores, as they do in the tests.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public class VolumeServiceBenchmark {
    private static final int WARM_UP_CALLS = 200;
    private static final int CALLS_ONE_CLIENT = 300;
    private static final int CALLS_PER_CLIENT_OF_EIGHT = 100;
    private static final int CLIENTS = 8;
    private static final int SIZE_SAMPLES = 25;
    /** DescribeVolumes costs O(the caller's volumes): the describing user owns this many. */
    private static final int DESCRIBED_USER_VOLUMES = 20;

    private ServerProcess server;
    private Callers callers;
    private final List<String> report = new ArrayList<>();
    private final List<Created> created = Collections.synchronizedList(new ArrayList<>());

    private record Created(Caller owner, String volumeId) {
    }

    @BeforeAll
    public void startServer() throws Exception {
        Path work = ItConfig.workDir().resolve("benchmark");
        VbsHomes.deleteTree(work);
        Files.createDirectories(work);
        server = ServerProcess.of(work.resolve("vbs-home"), ItConfig.systemPortOffset(), work);
        server.start();
        callers = Callers.of(server.endpoint(), server.vbsHome());
    }

    @AfterAll
    public void deleteVolumesAndStopServer() throws Exception {
        try {
            deleteEverythingCreated();
        } finally {
            server.stop();
            Path file = ItConfig.workDir().resolve("benchmark.txt");
            Files.write(file, report, StandardCharsets.UTF_8);
            System.out.println("[benchmark] figures written to " + file);
        }
    }

    @Test
    public void signedCallsAtOneAndEightClients() throws Exception {
        Caller describer = callers.newUser("bench-describe");
        for (int i = 0; i < DESCRIBED_USER_VOLUMES; i++) {
            created.add(new Created(describer, describer.createVolume(1).getVolumeId()));
        }
        List<Caller> creators = new ArrayList<>();
        List<Caller> describers = new ArrayList<>();
        for (int i = 0; i < CLIENTS; i++) {
            // One port per client thread; the creators are separate users so no one's list grows huge.
            creators.add(callers.newUser("bench-create-" + i));
            describers.add(callers.caller(describer.credential()));
        }

        // Warm-up: JIT, connection pools, the server's first calls. Not measured.
        run(1, WARM_UP_CALLS, client -> () -> createOneGib(creators.get(0)));
        run(1, WARM_UP_CALLS, client -> () -> describeAll(describers.get(0)));

        line("signed calls (client and server on the same machine; RSA-2048 signatures both ways)");
        line(String.format(Locale.ROOT, "%-28s %8s %8s %10s %10s", "operation", "clients", "calls", "calls/s",
                "p50/p99 ms"));
        print("CreateVolume (1 GiB)", run(1, CALLS_ONE_CLIENT, client -> () -> createOneGib(creators.get(client))));
        print("CreateVolume (1 GiB)", run(CLIENTS, CALLS_PER_CLIENT_OF_EIGHT,
                client -> () -> createOneGib(creators.get(client))));
        print("DescribeVolumes (" + DESCRIBED_USER_VOLUMES + " vols)",
                run(1, CALLS_ONE_CLIENT, client -> () -> describeAll(describers.get(client))));
        print("DescribeVolumes (" + DESCRIBED_USER_VOLUMES + " vols)",
                run(CLIENTS, CALLS_PER_CLIENT_OF_EIGHT, client -> () -> describeAll(describers.get(client))));
    }

    @Test
    public void createVolumeLatencyForOneGibAgainstOneTib() throws Exception {
        Caller user = callers.newUser("bench-sizes");
        long[] gib = new long[SIZE_SAMPLES];
        long[] tib = new long[SIZE_SAMPLES];
        // Alternating, so both sizes see the same machine noise.
        for (int i = 0; i < SIZE_SAMPLES; i++) {
            gib[i] = timed(() -> created.add(new Created(user, user.createVolume(1).getVolumeId())));
            tib[i] = timed(() -> created.add(new Created(user, user.createVolume(1024).getVolumeId())));
        }
        line("CreateVolume latency by size (sparse files: the size should not matter), " + SIZE_SAMPLES
                + " samples each, one client");
        line(String.format(Locale.ROOT, "%-10s %10s %10s %10s", "size", "p50 ms", "p99 ms", "mean ms"));
        for (Map.Entry<String, long[]> size : Map.of("1 GiB", gib, "1 TiB", tib).entrySet()) {
            long[] sorted = size.getValue().clone();
            Arrays.sort(sorted);
            line(String.format(Locale.ROOT, "%-10s %10.1f %10.1f %10.1f", size.getKey(), millis(percentile(sorted, 50)),
                    millis(percentile(sorted, 99)), millis((long) Arrays.stream(sorted).average().orElse(0))));
        }
    }

    @Test
    public void oneCertificateSixteenThreadsOfCreateDescribeDeleteCycles() throws Exception {
        // As a new user with one certificate would script it: 16 threads, 50 cycles each.
        int threads = 16;
        int cycles = 50;
        Map<String, Integer> failures = new ConcurrentHashMap<>();
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        // Not the development user: it administers the server and would describe every owner's volumes.
        Caller owner = callers.newUser("bench-cycles");
        long start = System.nanoTime();
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                Caller user = callers.caller(owner.credential());
                done.add(pool.submit(() -> {
                    for (int c = 0; c < cycles; c++) {
                        try {
                            String volume = user.createVolume(1).getVolumeId();
                            user.volumeIds();
                            user.deleteVolume(volume);
                        } catch (VbsFault e) {
                            failures.merge(Faults.code(e), 1, Integer::sum);
                        } catch (RuntimeException e) {
                            failures.merge(e.getClass().getSimpleName(), 1, Integer::sum);
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        Set<String> left = owner.volumeIds();
        line(String.format(Locale.ROOT, "One certificate, %d threads x %d create/describe/delete cycles: %.1f s,"
                + " failed calls %s, volumes left %d", threads, cycles, seconds, failures, left.size()));
    }

    @Test
    public void attachAndDetachLatencyOnTheLab() throws Exception {
        // The run command's lab: tgtd exports the volume with a fresh CHAP account each time, the VM demo-vm
        // on host "local" hot-plugs it over QMP; detach waits for the guest to let go, then unexports.
        Caller user = callers.newUser("bench-attach");
        String volume = user.createVolume(1).getVolumeId();
        created.add(new Created(user, volume));
        int warmUp = 5;
        int cycles = 60;
        long[] attach = new long[cycles];
        long[] detach = new long[cycles];
        for (int i = 0; i < warmUp + cycles; i++) {
            long a = timed(() -> user.attachVolume(volume, "local", "demo-vm", "sdb"));
            long d = timed(() -> user.detachVolume(volume, Optional.empty(), Optional.empty(), false));
            if (i >= warmUp) {
                attach[i - warmUp] = a;
                detach[i - warmUp] = d;
            }
        }
        line("AttachVolume / DetachVolume latency (signed SOAP, tgt export + QEMU hot-plug on one machine), "
                + cycles + " cycles after " + warmUp + " warm-up, one client");
        line(String.format(Locale.ROOT, "%-14s %10s %10s %10s", "operation", "p50 ms", "p99 ms", "mean ms"));
        for (Map.Entry<String, long[]> op : Map.of("AttachVolume", attach, "DetachVolume", detach).entrySet()) {
            long[] sorted = op.getValue().clone();
            Arrays.sort(sorted);
            line(String.format(Locale.ROOT, "%-14s %10.1f %10.1f %10.1f", op.getKey(), millis(percentile(sorted, 50)),
                    millis(percentile(sorted, 99)), millis((long) Arrays.stream(sorted).average().orElse(0))));
        }
    }

    @Test
    public void mixedWorkloadOfThirtyTwoClientsOnOneNode() throws Exception {
        // The workload BalancedClusterIT runs through the balancer of three nodes, here on this one node:
        // the same clients, mix and devices, so the two calls/s figures compare.
        List<Optional<String>> devices = new ArrayList<>();
        for (int client = 0; client < 32; client++) {
            devices.add(client < 4 ? Optional.of("sd" + (char) ('c' + client)) : Optional.empty());
        }
        int callsPerClient = Integer.getInteger("vbs.it.mixed.calls", 150);
        MixedWorkload.Result result = new MixedWorkload(() -> callers.newUser("mixed"), "local", "demo-vm", devices,
                callsPerClient).run();
        line(String.format(Locale.ROOT, "Mixed workload (BalancedClusterIT's), one node: %d clients (4 attaching),"
                + " %d calls in %.1f s, %.1f calls/s, %d retried, %d failed", result.clients().size(), result.calls(),
                result.took().toMillis() / 1000.0, result.callsPerSecond(), result.retried(), result.failures().size()));
    }

    // ------------------------------------------------------------------ measuring

    /** What one timed run measured: the wall time of the run and every call's latency (ns). */
    private record Run(int clients, long wallNanos, long[] sortedLatencies) {
    }

    @FunctionalInterface
    private interface CallFactory {
        /** The call client number {@code client} makes, over and over. */
        Callable<Void> forClient(int client);
    }

    private interface Call {
        void call() throws Exception;
    }

    private Run run(int clients, int callsPerClient, CallFactory calls) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        try {
            List<Future<long[]>> results = new ArrayList<>();
            long start = System.nanoTime();
            for (int client = 0; client < clients; client++) {
                Callable<Void> call = calls.forClient(client);
                results.add(pool.submit(() -> {
                    long[] latencies = new long[callsPerClient];
                    for (int i = 0; i < callsPerClient; i++) {
                        long before = System.nanoTime();
                        call.call();
                        latencies[i] = System.nanoTime() - before;
                    }
                    return latencies;
                }));
            }
            long[] all = new long[0];
            for (Future<long[]> result : results) {
                long[] latencies = result.get();
                long[] merged = Arrays.copyOf(all, all.length + latencies.length);
                System.arraycopy(latencies, 0, merged, all.length, latencies.length);
                all = merged;
            }
            long wall = System.nanoTime() - start;
            Arrays.sort(all);
            return new Run(clients, wall, all);
        } finally {
            pool.shutdownNow();
        }
    }

    private Void createOneGib(Caller caller) throws Exception {
        created.add(new Created(caller, caller.createVolume(1).getVolumeId()));
        return null;
    }

    private static Void describeAll(Caller caller) throws Exception {
        caller.describeVolumes(List.of(), Map.of(), Optional.empty(), Optional.empty());
        return null;
    }

    private static long timed(Call call) throws Exception {
        long before = System.nanoTime();
        call.call();
        return System.nanoTime() - before;
    }

    private void print(String operation, Run run) {
        int calls = run.sortedLatencies().length;
        double perSecond = calls / (run.wallNanos() / 1e9);
        line(String.format(Locale.ROOT, "%-28s %8d %8d %10.1f %5.1f/%.1f", operation, run.clients(), calls, perSecond,
                millis(percentile(run.sortedLatencies(), 50)), millis(percentile(run.sortedLatencies(), 99))));
    }

    private void line(String text) {
        System.out.println("[benchmark] " + text);
        report.add(text);
    }

    private static long percentile(long[] sorted, int percent) {
        int index = (int) Math.ceil(percent / 100.0 * sorted.length) - 1;
        return sorted[Math.max(0, index)];
    }

    private static double millis(long nanos) {
        return nanos / 1e6;
    }

    /**
     * Deletes every volume the benchmark made: one thread per owner (each on a port of its own),
     * owners in parallel. (Parallel deletes of one owner's volumes contend on that owner's index
     * entry in the service; measuring that is not this benchmark's job.)
     */
    private void deleteEverythingCreated() throws Exception {
        Map<String, List<Created>> byOwner = new HashMap<>();
        synchronized (created) {
            created.forEach(volume -> byOwner.computeIfAbsent(volume.owner().dn(), dn -> new ArrayList<>()).add(volume));
        }
        ExecutorService pool = Executors.newFixedThreadPool(CLIENTS);
        try {
            List<Future<Integer>> deletions = new ArrayList<>();
            for (List<Created> volumes : byOwner.values()) {
                deletions.add(pool.submit(() -> {
                    Caller owner = callers.caller(volumes.get(0).owner().credential());
                    for (Created volume : volumes) {
                        owner.deleteVolume(volume.volumeId());
                    }
                    return volumes.size();
                }));
            }
            int deleted = 0;
            for (Future<Integer> deletion : deletions) {
                deleted += deletion.get();
            }
            line("deleted the " + deleted + " volumes the benchmark made");
        } finally {
            pool.shutdownNow();
        }
    }
}
