package org.vbs.core.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.vbs.core.testing.Faults.assertFault;

import java.lang.reflect.Proxy;
import java.util.Map;
import org.infinispan.Cache;
import org.infinispan.partitionhandling.AvailabilityException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.vbs.core.api.ErrorCode;
import org.vbs.core.host.RegisteredHost;
import org.vbs.core.testing.EmbeddedMetadata;

/**
 * The cluster's registered hosts in a real transactional cache: a name is added once, removed only
 * as it was read, reads answer one copy until any change (also one made elsewhere), and a minority
 * side's refusal reaches the caller as ServiceUnavailable, as for the other metadata caches.
 */
class SharedHostCacheTest {
    private final EmbeddedMetadata metadata = new EmbeddedMetadata();

    @AfterEach
    void stop() {
        metadata.close();
    }

    @Test
    void shouldAddANameOnceAndRemoveItOnlyAsItWasRead() {
        SharedHostCache hosts = metadata.sharedHosts();
        RegisteredHost vs2 = new RegisteredHost("vs2", Map.of("volume.driver", "file", "volume.pool", "/srv/a"));
        RegisteredHost other = new RegisteredHost("vs2", Map.of("volume.driver", "file", "volume.pool", "/srv/b"));

        assertTrue(hosts.add(vs2));
        assertFalse(hosts.add(other), "the name is taken");
        assertFalse(hosts.remove(other), "not what the cache holds");

        assertEquals(Map.of("vs2", vs2), hosts.all());
        assertTrue(hosts.remove(vs2));
        assertEquals(Map.of(), hosts.all());
    }

    @Test
    void shouldAnswerTheSameCopyUntilAChangeThenSeeEveryChangeMadeElsewhere() {
        SharedHostCache hosts = metadata.sharedHosts();
        RegisteredHost vs2 = new RegisteredHost("vs2", Map.of("volume.driver", "file", "volume.pool", "/srv/a"));
        RegisteredHost vs3 = new RegisteredHost("vs3", Map.of("volume.driver", "file", "volume.pool", "/srv/b"));
        assertTrue(hosts.add(vs2));
        Map<String, RegisteredHost> first = hosts.all();

        assertSame(first, hosts.all(), "nothing changed: the copy, not a walk of the store");

        // As another node's commit reaches this one: straight into the cache, not through this instance.
        metadata.transactions().run("another node registers vs3", () -> metadata.hosts().put("vs3", vs3));
        assertEquals(Map.of("vs2", vs2, "vs3", vs3), hosts.all());
        metadata.transactions().run("another node deregisters vs2", () -> metadata.hosts().remove("vs2"));
        assertEquals(Map.of("vs3", vs3), hosts.all());

        hosts.close();
        metadata.transactions().run("a change after close", () -> metadata.hosts().remove("vs3"));
        assertEquals(Map.of("vs3", vs3), hosts.all(), "closed: no longer counts changes");
    }

    @Test
    void shouldRefuseWithServiceUnavailableOnAMinoritySide() {
        @SuppressWarnings("unchecked")
        Cache<String, RegisteredHost> degraded = (Cache<String, RegisteredHost>) Proxy.newProxyInstance(
                getClass().getClassLoader(), new Class<?>[] {Cache.class}, (proxy, method, args) -> {
                    if (method.getName().equals("addListener")) {
                        return null;
                    }
                    throw new AvailabilityException();
                });
        SharedHostCache hosts = new SharedHostCache(degraded, metadata.transactions());
        RegisteredHost vs2 = new RegisteredHost("vs2", Map.of());

        assertFault(ErrorCode.SERVICE_UNAVAILABLE, hosts::all, "majority");
        assertFault(ErrorCode.SERVICE_UNAVAILABLE, () -> hosts.add(vs2), "majority");
        assertFault(ErrorCode.SERVICE_UNAVAILABLE, () -> hosts.remove(vs2), "majority");
    }
}
