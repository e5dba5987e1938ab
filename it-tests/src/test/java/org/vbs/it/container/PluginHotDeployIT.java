package org.vbs.it.container;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.EnterpriseArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.vbs.it.client.DescribePluginsType;
import org.vbs.it.client.PluginSetItemType;
import org.vbs.it.plugin.ProbeDriverActivator;
import org.vbs.it.support.Await;
import org.vbs.it.support.Caller;
import org.vbs.it.support.Callers;
import org.vbs.it.support.ItConfig;
import org.vbs.it.support.TestBundles;
import org.vbs.it.support.VbsEar;
import org.vbs.it.support.VbsHomes;

/**
 * Plugins come and go while the service runs, without redeploying it: a signed bundle dropped into
 * the plugin directory is installed and started, replacing its jar updates it, deleting it
 * uninstalls it, and an unsigned jar is refused and never installed. Meanwhile another user keeps
 * calling the service (CreateVolume, DescribeVolumes with the file driver), which must keep answering.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
public class PluginHotDeployIT {
    private static final String PROBE = "vbs-it-probe.jar";
    private static final String UNSIGNED = "vbs-it-unsigned.jar";
    /** Generous: the host looks every 0.5 s; only a host that does not follow the directory waits this long. */
    private static final Duration PATIENCE = Duration.ofSeconds(60);
    /** Enough volumes to show CreateVolume works throughout; then the load only describes. */
    private static final int MAX_VOLUMES = 10;

    private final Callers callers = Callers.ofArquillianServer();
    private final Path plugins = VbsHomes.plugins(ItConfig.vbsHome());

    @TempDir
    Path build;

    @Deployment(testable = false)
    public static EnterpriseArchive vbs() {
        return VbsEar.fromBuild();
    }

    @Test
    public void signedBundlesComeAndGoWhileTheServiceKeepsAnsweringAndUnsignedOnesAreRefused() throws Exception {
        // given an administrator, and a user calling the service all along
        Caller admin = callers.devUser();
        Load load = new Load(callers.newUser("plugin-hot-deploy-load"));
        Path probe1 = build.resolve("signed-1.jar");
        Path probe2 = build.resolve("signed-2.jar");
        TestBundles.sign(ItConfig.vbsHome(), TestBundles.probe(build, "1.0.0"), probe1);
        TestBundles.sign(ItConfig.vbsHome(), TestBundles.probe(build, "2.0.0"), probe2);
        Path unsigned = TestBundles.probe(build, "3.0.0");
        load.start();
        try {
            // when a signed bundle is dropped in, then it is installed, started and shows its driver
            TestBundles.dropInto(plugins, probe1, PROBE);
            PluginSetItemType added = await(admin, "the probe bundle 1.0.0 active",
                    PROBE, p -> "1.0.0".equals(p.getVersion()) && "ACTIVE".equals(p.getState()));
            assertEquals(TestBundles.PROBE_SYMBOLIC_NAME, added.getSymbolicName());
            assertNull(added.getProblem(), added.getProblem());
            assertEquals(List.of("volume/" + ProbeDriverActivator.DRIVER_ID), drivers(added));
            load.awaitMoreCalls();

            // when its jar is replaced by version 2, then the bundle is updated in place
            TestBundles.dropInto(plugins, probe2, PROBE);
            PluginSetItemType updated = await(admin, "the probe bundle updated to 2.0.0",
                    PROBE, p -> "2.0.0".equals(p.getVersion()));
            assertEquals("ACTIVE", updated.getState());
            assertNull(updated.getProblem(), updated.getProblem());
            assertEquals(List.of("volume/" + ProbeDriverActivator.DRIVER_ID), drivers(updated));
            load.awaitMoreCalls();

            // when its jar is deleted, then the bundle is gone, and its driver with it
            Files.delete(plugins.resolve(PROBE));
            awaitGone(admin, PROBE);
            assertTrue(allDrivers(admin).stream().noneMatch(d -> d.endsWith("/" + ProbeDriverActivator.DRIVER_ID)),
                    "the probe driver outlived its bundle: " + allDrivers(admin));
            load.awaitMoreCalls();

            // when an unsigned bundle is dropped in, then it is refused, with the reason, and never installed
            TestBundles.dropInto(plugins, unsigned, UNSIGNED);
            PluginSetItemType refused = await(admin, "the unsigned bundle reported", UNSIGNED, p -> true);
            assertEquals("REFUSED", refused.getState());
            assertEquals("refused, not installed: is not signed", refused.getProblem());
            assertNull(refused.getSymbolicName(), "an unsigned jar was installed");
            assertEquals(List.of(), drivers(refused));
            assertTrue(allDrivers(admin).stream().noneMatch(d -> d.endsWith("/" + ProbeDriverActivator.DRIVER_ID)),
                    "the unsigned bundle's driver is there: " + allDrivers(admin));
            load.awaitMoreCalls();

            // and the file bundle served the load throughout
            assertEquals("ACTIVE", plugin(admin, "vbs-volume-file.jar").orElseThrow().getState());
        } finally {
            load.stop();
            Files.deleteIfExists(plugins.resolve(PROBE));
            Files.deleteIfExists(plugins.resolve(UNSIGNED));
            awaitGone(admin, PROBE);
            awaitGone(admin, UNSIGNED);
            load.cleanUp();
        }
        // then the service answered every call while plugins came and went
        assertEquals(List.of(), load.failures(), "calls failed while plugins changed");
        assertTrue(load.calls() > 0, "no call was made");
    }

    private static Optional<PluginSetItemType> plugin(Caller admin, String file) throws Exception {
        return admin.port().describePlugins(new DescribePluginsType()).getPluginSet().getItem().stream()
                .filter(p -> file.equals(p.getFile())).findFirst();
    }

    private static PluginSetItemType await(Caller admin, String what, String file, Predicate<PluginSetItemType> condition)
            throws Exception {
        List<String> lastSeen = new ArrayList<>();
        return Await.until(what, PATIENCE, () -> {
            Optional<PluginSetItemType> plugin = plugin(admin, file);
            lastSeen.add(plugin.map(PluginHotDeployIT::describe).orElse(file + " not listed"));
            return plugin.filter(condition);
        }, () -> lastSeen.isEmpty() ? "nothing" : lastSeen.get(lastSeen.size() - 1));
    }

    private static void awaitGone(Caller admin, String file) throws Exception {
        Await.until(file + " no longer listed", PATIENCE,
                () -> plugin(admin, file).isPresent() ? Optional.empty() : Optional.of(true), () -> file + " listed");
    }

    private static List<String> drivers(PluginSetItemType plugin) {
        return plugin.getDriverSet() == null ? List.of()
                : plugin.getDriverSet().getItem().stream().map(d -> d.getKind() + "/" + d.getId()).toList();
    }

    private static List<String> allDrivers(Caller admin) throws Exception {
        return admin.port().describePlugins(new DescribePluginsType()).getPluginSet().getItem().stream()
                .flatMap(p -> drivers(p).stream()).toList();
    }

    private static String describe(PluginSetItemType p) {
        return p.getFile() + " " + p.getSymbolicName() + " " + p.getVersion() + " " + p.getState() + " " + drivers(p)
                + " problem=" + p.getProblem();
    }

    /** A user creating and describing volumes on a thread of its own until stopped; every failure is kept. */
    private static final class Load {
        private final Caller user;
        private final AtomicBoolean running = new AtomicBoolean(true);
        private final AtomicInteger calls = new AtomicInteger();
        /** Written by the load thread only. */
        private final List<String> volumes = new ArrayList<>();
        private final ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
        private final Thread thread;

        Load(Caller user) {
            this.user = user;
            this.thread = new Thread(this::run, "plugin-hot-deploy-load");
            thread.setDaemon(true);
        }

        void start() {
            thread.start();
        }

        private void run() {
            while (running.get()) {
                try {
                    if (volumes.size() < MAX_VOLUMES) {
                        volumes.add(user.createVolume(1).getVolumeId());
                        calls.incrementAndGet();
                    }
                    user.describeVolumes(List.of(), Map.of(), Optional.empty(), Optional.empty());
                    calls.incrementAndGet();
                } catch (Exception | AssertionError e) {
                    failures.add(e.toString());
                }
            }
        }

        /** Waits until the load made two more calls: the service answers in this phase too. */
        void awaitMoreCalls() throws Exception {
            int target = calls.get() + 2;
            Await.until("two more calls of the load", PATIENCE,
                    () -> calls.get() >= target || !failures.isEmpty() ? Optional.of(true) : Optional.empty(),
                    () -> calls.get() + " calls");
            assertEquals(List.of(), failures(), "calls failed while plugins changed");
        }

        void stop() throws InterruptedException {
            running.set(false);
            thread.join(TimeUnit.MINUTES.toMillis(2));
            assertTrue(!thread.isAlive(), "the load thread did not stop");
        }

        int calls() {
            return calls.get();
        }

        List<String> failures() {
            return List.copyOf(failures);
        }

        /** After {@link #stop}: the thread has ended, so its list is complete and visible here. */
        void cleanUp() throws Exception {
            user.deleteVolumes(volumes.toArray(new String[0]));
        }
    }
}
