package org.vbs.core.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.file.Path;
import java.util.List;
import org.infinispan.Cache;
import org.infinispan.commons.dataconversion.MediaType;
import org.infinispan.configuration.cache.ConfigurationBuilder;
import org.infinispan.configuration.global.GlobalConfigurationBuilder;
import org.infinispan.manager.DefaultCacheManager;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StaleEntriesTest {
    @TempDir
    Path dir;

    /** A cache with a file store of its own, as every node's metadata cache has. */
    private DefaultCacheManager manager() {
        GlobalConfigurationBuilder global = new GlobalConfigurationBuilder().nonClusteredDefault();
        DefaultCacheManager manager = new DefaultCacheManager(global.build());
        ConfigurationBuilder cache = new ConfigurationBuilder();
        cache.encoding().mediaType(MediaType.APPLICATION_PROTOSTREAM_TYPE);
        cache.persistence().passivation(false).addSoftIndexFileStore()
                .dataLocation(dir.resolve("data").toString()).indexLocation(dir.resolve("index").toString());
        manager.defineConfiguration("volumes", cache.build());
        return manager;
    }

    @Test
    void shouldRemoveWhatOnlyTheStoreHoldsAndKeepWhatIsInMemory() throws Exception {
        try (DefaultCacheManager manager = manager()) {
            Cache<String, String> cache = manager.getCache("volumes");
            cache.put("vol-kept", "in memory and in the store");
            cache.put("vol-stale", "in the store only");
            // what a rejoining node's store holds that the cluster did not send it
            cache.evict("vol-stale");

            assertEquals(List.of("vol-stale"), StaleEntries.removeStoreOnly(cache));

            assertNull(cache.get("vol-stale"));
            assertEquals("in memory and in the store", cache.get("vol-kept"));
        }
    }

    @Test
    void shouldKeepTheStoreOfANodeThatRunsTheCacheAlone() throws Exception {
        try (DefaultCacheManager manager = manager()) {
            Cache<String, String> cache = manager.getCache("volumes");
            cache.put("vol-stored", "the truth when this node starts alone");
            cache.evict("vol-stored");

            assertEquals(List.of(), StaleEntries.removeFromJoiner(cache));

            assertEquals("the truth when this node starts alone", cache.get("vol-stored"));
        }
    }
}
