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
            assertEquals(List.of(), ReadinessBean.problems(Map.of("metadata", metadata.cache(),
                    "hosts", metadata.hosts())));
            assertEquals(List.of(), ReadinessBean.settling(Map.of("metadata", metadata.cache(),
                    "hosts", metadata.hosts())), "a member alone has nothing to rebalance");
        }
    }

    @Test
    void aStoppedCacheIsNamed() {
        try (EmbeddedMetadata metadata = new EmbeddedMetadata()) {
            metadata.cache().stop();

            assertEquals(List.of("cache metadata is TERMINATED"), ReadinessBean.problems(Map.of(
                    "metadata", metadata.cache(), "hosts", metadata.hosts())));
        }
    }
}
