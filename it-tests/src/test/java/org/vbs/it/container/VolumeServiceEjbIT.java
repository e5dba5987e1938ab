package org.vbs.it.container;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import jakarta.ejb.EJB;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.EnterpriseArchive;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.vbs.core.api.CreateVolumeRequest;
import org.vbs.core.api.DescribeRequest;
import org.vbs.core.api.ErrorCode;
import org.vbs.core.api.RequestContext;
import org.vbs.core.api.VbsException;
import org.vbs.core.api.Volume;
import org.vbs.core.api.VolumeService;
import org.vbs.it.support.VbsEar;
import org.vbs.security.GridIdentity;

/**
 * The EJB layer inside the real server: the VolumeService bean over the server's replicated,
 * transactional Infinispan caches. These tests run in the container (in the EAR's war), so they
 * exercise the compare-and-set and write-skew behaviour of the configured caches directly, which
 * the SOAP tests can only reach one call at a time.
 */
@ExtendWith(ArquillianExtension.class)
public class VolumeServiceEjbIT {
    private static final int CALLERS = 8;

    @EJB(lookup = "java:global/vbs/vbs-ejb/VolumeServiceBean!org.vbs.core.api.VolumeService")
    private VolumeService service;

    @Deployment
    public static EnterpriseArchive vbs() {
        EnterpriseArchive ear = VbsEar.fromBuild();
        // In the war, which sees the EJB module's client view.
        ear.getAsType(WebArchive.class, "vbs-ws.war").addClass(VolumeServiceEjbIT.class);
        return ear;
    }

    @Test
    public void parallelDeletesOfOneVolumeLetExactlyOneWin() throws Exception {
        // given one available volume
        RequestContext owner = newOwner();
        Volume volume = service.createVolume(owner, oneGiB());

        // when eight callers delete it at the same moment
        List<Object> outcomes = inParallel(() -> service.deleteVolume(owner, volume.id()));

        // then exactly one delete happened and every other caller got a clear fault
        long won = outcomes.stream().filter(Volume.class::isInstance).count();
        assertEquals(1, won, "outcomes: " + outcomes);
        for (Object o : outcomes) {
            if (o instanceof VbsException e) {
                assertTrue(Set.of(ErrorCode.INCORRECT_STATE, ErrorCode.INVALID_VOLUME_NOT_FOUND).contains(e.code()),
                        "unexpected fault " + e.code() + ": " + e.getMessage());
            } else if (!(o instanceof Volume)) {
                fail("unexpected outcome " + o);
            }
        }
        // and the volume is gone from the metadata and from the pool
        assertTrue(service.describeVolumes(owner, DescribeRequest.all()).items().isEmpty());
        assertFalse(Files.exists(volumeFile(volume.id())));
    }

    @Test
    public void parallelCreatesOfOneOwnerAreAllRecordedInItsIndex() throws Exception {
        // given a new owner
        RequestContext owner = newOwner();

        // when it creates eight volumes at the same moment (all touching its owner index entry)
        List<Object> outcomes = inParallel(() -> service.createVolume(owner, oneGiB()));

        // then all eight were made and all eight are described
        List<String> created = new ArrayList<>();
        for (Object o : outcomes) {
            if (!(o instanceof Volume v)) {
                throw new AssertionError("a create failed: " + o);
            }
            created.add(v.id());
        }
        List<String> described = service.describeVolumes(owner, DescribeRequest.all()).items().stream()
                .map(Volume::id).sorted().toList();
        assertEquals(created.stream().sorted().toList(), described);
        for (String id : created) {
            service.deleteVolume(owner, id);
        }
    }

    @Test
    public void oneOwnersParallelCreateDescribeDeleteCyclesAllSucceedAndLeaveNothing() throws Exception {
        // given one owner calling from 16 threads at once (one certificate, as a script would)
        RequestContext owner = newOwner();
        int threads = 16;
        int cycles = 20;

        // when each thread runs create / describe / delete cycles
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        List<Future<List<String>>> failures = new ArrayList<>();
        try {
            CountDownLatch start = new CountDownLatch(1);
            for (int t = 0; t < threads; t++) {
                failures.add(pool.submit(() -> {
                    start.await();
                    List<String> failed = new ArrayList<>();
                    for (int c = 0; c < cycles; c++) {
                        try {
                            Volume volume = service.createVolume(owner, oneGiB());
                            service.describeVolumes(owner, DescribeRequest.all());
                            service.deleteVolume(owner, volume.id());
                        } catch (VbsException e) {
                            failed.add(e.code().code() + ": " + e.getMessage());
                        }
                    }
                    return failed;
                }));
            }
            start.countDown();
            List<String> failed = new ArrayList<>();
            for (Future<List<String>> f : failures) {
                failed.addAll(f.get(600, TimeUnit.SECONDS));
            }

            // then no call failed and no volume is left, stuck or otherwise
            assertEquals(List.of(), failed);
        } finally {
            pool.shutdownNow();
        }
        assertEquals(List.of(), service.describeVolumes(owner, DescribeRequest.all()).items());
    }

    @Test
    public void anotherOwnersVolumeIsNotFoundAndUntouched() {
        // given a volume of one owner
        RequestContext owner = newOwner();
        Volume volume = service.createVolume(owner, oneGiB());

        // when another owner deletes it
        VbsException refused = expectFault(() -> service.deleteVolume(newOwner(), volume.id()));

        // then it is told the volume does not exist, and the volume stays
        assertEquals(ErrorCode.INVALID_VOLUME_NOT_FOUND, refused.code());
        assertEquals(List.of(volume.id()), service.describeVolumes(owner, DescribeRequest.all()).items().stream()
                .map(Volume::id).toList());
        assertTrue(Files.exists(volumeFile(volume.id())));
        service.deleteVolume(owner, volume.id());
    }

    /** A call by a new owner (each call of the test reuses its request id: it only names log lines). */
    private static RequestContext newOwner() {
        return new RequestContext("ejb-it-" + UUID.randomUUID(),
                new GridIdentity("CN=ejb-it " + UUID.randomUUID() + ",OU=vbs,O=Grid"));
    }

    private static CreateVolumeRequest oneGiB() {
        return new CreateVolumeRequest(Optional.of(1L), Optional.empty(), Optional.empty(), Map.of());
    }

    private static Path volumeFile(String id) {
        return Path.of(System.getProperty("vbs.home"), "pool", "volumes", id + ".img");
    }

    private static VbsException expectFault(Runnable call) {
        try {
            call.run();
        } catch (VbsException e) {
            return e;
        }
        throw new AssertionError("expected a fault");
    }

    /** Runs the call on {@link #CALLERS} threads released together; each outcome is a result or a VbsException. */
    private static List<Object> inParallel(Callable<Object> call) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(CALLERS);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<Object>> futures = new ArrayList<>();
            for (int i = 0; i < CALLERS; i++) {
                futures.add(pool.submit(() -> {
                    start.await();
                    try {
                        return call.call();
                    } catch (VbsException e) {
                        return e;
                    }
                }));
            }
            start.countDown();
            List<Object> outcomes = new ArrayList<>();
            for (Future<Object> f : futures) {
                outcomes.add(f.get(120, TimeUnit.SECONDS));
            }
            return outcomes;
        } finally {
            pool.shutdownNow();
        }
    }
}
