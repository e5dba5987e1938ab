package org.vbs.core.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.vbs.core.testing.EmbeddedMetadata;

class ReadinessBeanTest {

    @Test
    void runningAvailableCachesAreReady() {
        try (EmbeddedMetadata metadata = new EmbeddedMetadata()) {
            assertEquals(List.of(), ReadinessBean.problems(Map.of("volumes", metadata.volumes(),
                    "operations", metadata.operations())));
            assertEquals(List.of(), ReadinessBean.settling(Map.of("volumes", metadata.volumes(),
                    "operations", metadata.operations())), "a member alone has nothing to rebalance");
        }
    }

    @Test
    void aStoppedCacheIsNamed() {
        try (EmbeddedMetadata metadata = new EmbeddedMetadata()) {
            metadata.operations().stop();

            assertEquals(List.of("cache operations is TERMINATED"), ReadinessBean.problems(Map.of(
                    "volumes", metadata.volumes(), "operations", metadata.operations())));
        }
    }
}
