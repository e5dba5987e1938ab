package org.vbs.plugins.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;

import org.vbs.plugins.spi.volume.ProgressListener;

/** A {@link ProgressListener} that remembers every percentage it was given, to check how a copy reported. */
public final class RecordingProgress implements ProgressListener {
    private final List<Integer> reported = new ArrayList<>();

    @Override
    public synchronized void progress(int percent) {
        reported.add(percent);
    }

    /** The percentages in the order they were reported. */
    public synchronized List<Integer> reported() {
        return List.copyOf(reported);
    }

    /** Asserts the copy reported at least once, only values in 0..100, never going back, and ended at 100. */
    public void assertMonotonicTo100() {
        List<Integer> values = reported();
        assertFalse(values.isEmpty(), "no progress was reported");
        int previous = 0;
        for (int value : values) {
            assertTrue(value >= 0 && value <= 100, "progress out of 0..100: " + values);
            assertTrue(value >= previous, "progress went backwards: " + values);
            previous = value;
        }
        assertEquals(100, values.get(values.size() - 1), "progress did not end at 100: " + values);
    }
}
