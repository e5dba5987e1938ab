package org.vbs.it.support;

import java.time.Duration;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Bounded waiting for something asynchronous (a snapshot completing, a file going away). The bound
 * is generous, never a speed assertion: a test fails only when the thing does not happen at all.
 */
public final class Await {
    private static final Duration POLL = Duration.ofMillis(150);

    private Await() {
    }

    /** A step that may throw anything a test step throws (a SOAP fault among them). */
    @FunctionalInterface
    public interface Probe<T> {
        Optional<T> poll() throws Exception;
    }

    /**
     * Polls until the probe yields a value and returns it.
     *
     * @param what what is awaited, for the failure message
     * @param lastSeen what was observed so far, for the failure message
     * @throws AssertionError after the timeout
     */
    public static <T> T until(String what, Duration timeout, Probe<T> probe, Supplier<String> lastSeen)
            throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            Optional<T> value = probe.poll();
            if (value.isPresent()) {
                return value.get();
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("waited " + timeout.toSeconds() + " s for " + what + "; last seen: "
                        + lastSeen.get());
            }
            Thread.sleep(POLL.toMillis());
        }
    }
}
