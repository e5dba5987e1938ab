package org.vbs.core.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.vbs.core.testing.Faults.assertFault;
import static org.vbs.core.testing.ServiceFixture.BOB;
import static org.vbs.core.testing.ServiceFixture.JANE;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.vbs.core.api.CreateVolumeRequest;
import org.vbs.core.api.DescribeRequest;
import org.vbs.core.api.ErrorCode;
import org.vbs.core.api.VbsException;
import org.vbs.core.api.Volume;
import org.vbs.core.api.VolumeState;
import org.vbs.core.domain.IdGenerator;
import org.vbs.core.domain.ResourceKind;
import org.vbs.core.domain.VolumeRecord;
import org.vbs.core.store.TokenEntry;
import org.vbs.core.store.TokenKey;
import org.vbs.core.testing.ServiceFixture;
import org.vbs.core.testing.TempDirVolumeDriver.Operation;
import org.vbs.plugins.spi.DriverException;

class CreateVolumeTest {
    @TempDir
    Path dir;
    private ServiceFixture fixture;

    @BeforeEach
    void start() {
        fixture = new ServiceFixture(dir);
    }

    @AfterEach
    void stop() {
        fixture.close();
    }

    static CreateVolumeRequest size(long gib) {
        return new CreateVolumeRequest(Optional.of(gib), Optional.empty(), Optional.empty(), Map.of());
    }

    static CreateVolumeRequest withToken(long gib, String token, Map<String, String> tags) {
        return new CreateVolumeRequest(Optional.of(gib), Optional.empty(), Optional.of(token), tags);
    }

    static CreateVolumeRequest withTags(Map<String, String> tags) {
        return new CreateVolumeRequest(Optional.of(1L), Optional.empty(), Optional.empty(), tags);
    }

    private void assertNothingLeft() {
        assertTrue(fixture.metadata.isEmpty(), "caches: " + fixture.contents());
        assertEquals(List.of(), fixture.driver.files());
    }

    @Test
    void shouldCreateAnAvailableVolumeWithItsStorageAndIndexIt() {
        Volume volume = fixture.service.createVolume(JANE,
                new CreateVolumeRequest(Optional.of(8L), Optional.empty(), Optional.empty(), Map.of("name", "data")));

        assertTrue(ResourceKind.VOLUME.isWellFormed(volume.id()), volume.id());
        assertEquals(VolumeState.AVAILABLE, volume.state());
        assertEquals(JANE.caller().dn(), volume.owner());
        assertEquals(8, volume.sizeGiB());
        assertEquals(Map.of("name", "data"), volume.tags());
        assertEquals(Optional.empty(), volume.snapshotId());
        assertTrue(Files.exists(fixture.driver.volumeFile(volume.id())));
        assertEquals(List.of(volume), fixture.service.describeVolumes(JANE, DescribeRequest.all()).items());
        assertEquals(List.of(), fixture.service.describeVolumes(BOB, DescribeRequest.all()).items());
    }

    @Test
    void shouldAcceptTheSizeBounds() {
        assertEquals(1, fixture.service.createVolume(JANE, size(1)).sizeGiB());
        assertEquals(16_384, fixture.service.createVolume(JANE, size(16_384)).sizeGiB());
    }

    @ParameterizedTest
    @ValueSource(longs = {0, -1, 16_385, Long.MAX_VALUE, Long.MIN_VALUE})
    void shouldRefuseSizesOutOfRangeAndNameTheBounds(long gib) {
        assertFault(ErrorCode.INVALID_PARAMETER_VALUE, () -> fixture.service.createVolume(JANE, size(gib)),
                String.valueOf(gib), "1 to 16384 GiB");
        assertNothingLeft();
    }

    @Test
    void shouldRefuseAVolumeWithNeitherSizeNorSnapshot() {
        assertFault(ErrorCode.MISSING_PARAMETER, () -> fixture.service.createVolume(JANE,
                new CreateVolumeRequest(Optional.empty(), Optional.empty(), Optional.empty(), Map.of())), "Size");
        assertNothingLeft();
    }

    @Test
    void shouldRefuseAMalformedSnapshotId() {
        assertFault(ErrorCode.INVALID_SNAPSHOT_ID_MALFORMED, () -> fixture.service.createVolume(JANE,
                new CreateVolumeRequest(Optional.of(1L), Optional.of("snap-xyz"), Optional.empty(), Map.of())),
                "'snap-xyz'");
        assertNothingLeft();
    }

    @Test
    void shouldRefuseAnUnknownSnapshot() {
        assertFault(ErrorCode.INVALID_SNAPSHOT_NOT_FOUND, () -> fixture.service.createVolume(JANE,
                new CreateVolumeRequest(Optional.of(1L), Optional.of("snap-0123456789abcdef0"), Optional.empty(),
                        Map.of())), "snap-0123456789abcdef0");
        assertNothingLeft();
    }

    @Test
    void shouldRefuseMoreThanFiftyTags() {
        Map<String, String> tags = new HashMap<>();
        for (int i = 0; i < 51; i++) {
            tags.put("k" + i, "v");
        }
        assertFault(ErrorCode.INVALID_PARAMETER_VALUE, () -> fixture.service.createVolume(JANE, withTags(tags)),
                "51", "at most 50");
        assertNothingLeft();
        tags.remove("k0");
        assertEquals(50, fixture.service.createVolume(JANE, withTags(tags)).tags().size());
    }

    @ParameterizedTest
    @ValueSource(strings = {"aws:name", "AWS:name", "vbs:owner", "Vbs:x", ""})
    void shouldRefuseReservedOrEmptyTagKeys(String key) {
        assertFault(ErrorCode.INVALID_PARAMETER_VALUE, () -> fixture.service.createVolume(JANE,
                withTags(Map.of(key, "v"))), "Tag key");
        assertNothingLeft();
    }

    @Test
    void shouldRefuseTagKeysAndValuesOverTheirLimits() {
        assertFault(ErrorCode.INVALID_PARAMETER_VALUE, () -> fixture.service.createVolume(JANE,
                withTags(Map.of("k".repeat(129), "v"))), "128");
        assertFault(ErrorCode.INVALID_PARAMETER_VALUE, () -> fixture.service.createVolume(JANE,
                withTags(Map.of("k", "v".repeat(257)))), "256");
        assertNothingLeft();
        assertEquals(1, fixture.service.createVolume(JANE,
                withTags(Map.of("k".repeat(128), "v".repeat(256)))).tags().size());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "has space", "x\u00e9"})
    void shouldRefuseMalformedClientTokens(String token) {
        assertFault(ErrorCode.INVALID_PARAMETER_VALUE, () -> fixture.service.createVolume(JANE,
                withToken(1, token, Map.of())), "Client token");
        assertNothingLeft();
    }

    @Test
    void shouldRefuseAClientTokenLongerThanSixtyFour() {
        assertFault(ErrorCode.INVALID_PARAMETER_VALUE, () -> fixture.service.createVolume(JANE,
                withToken(1, "t".repeat(65), Map.of())), "64");
        assertNothingLeft();
    }

    @Test
    void shouldReturnTheSameVolumeForARetryWithTheSameTokenAndParameters() {
        Volume first = fixture.service.createVolume(JANE, withToken(2, "token-1", Map.of("a", "1", "b", "2")));
        Volume retry = fixture.service.createVolume(JANE, withToken(2, "token-1", Map.of("b", "2", "a", "1")));

        assertEquals(first, retry);
        assertEquals(1, fixture.service.describeVolumes(JANE, DescribeRequest.all()).items().size());
        assertEquals(1, fixture.driver.files().size());
    }

    @Test
    void shouldRefuseTheSameTokenWithOtherParametersAndChangeNothing() {
        fixture.service.createVolume(JANE, withToken(2, "token-1", Map.of()));
        ServiceFixture.Contents before = fixture.contents();

        assertFault(ErrorCode.IDEMPOTENT_PARAMETER_MISMATCH,
                () -> fixture.service.createVolume(JANE, withToken(3, "token-1", Map.of())), "new token");
        assertFault(ErrorCode.IDEMPOTENT_PARAMETER_MISMATCH,
                () -> fixture.service.createVolume(JANE, withToken(2, "token-1", Map.of("a", "1"))));
        assertEquals(before, fixture.contents());
    }

    @Test
    void shouldKeepClientTokensApartPerOwner() {
        Volume jane = fixture.service.createVolume(JANE, withToken(2, "shared", Map.of()));
        Volume bob = fixture.service.createVolume(BOB, withToken(2, "shared", Map.of()));
        assertNotEquals(jane.id(), bob.id());
        assertEquals(BOB.caller().dn(), bob.owner());
    }

    @Test
    void shouldFreeTheTokenWhenTheVolumeIsDeleted() {
        Volume first = fixture.service.createVolume(JANE, withToken(2, "token-1", Map.of()));
        fixture.service.deleteVolume(JANE, first.id());
        assertTrue(fixture.metadata.store().token(new TokenKey(JANE.caller().dn(), "token-1")).isEmpty());

        Volume second = fixture.service.createVolume(JANE, withToken(5, "token-1", Map.of()));
        assertNotEquals(first.id(), second.id());
    }

    @Test
    void shouldTakeATokenNamingNoVolumeForANewVolumeOnceTheGraceHasPassed() {
        // given a token whose claim committed only the token's branch (its node died before the volume's)
        CreateVolumeRequest request = withToken(2, "token-1", Map.of("a", "1"));
        TokenKey key = new TokenKey(JANE.caller().dn(), "token-1");
        String lost = "vol-0123456789abcdef0";
        fixture.metadata.cache().put(key, new TokenEntry(lost, ClientTokens.fingerprint(request)));

        // when the client retries
        Volume made = fixture.service.createVolume(JANE, request);

        // then it gets a new volume, which the token now names, and a further retry gets the same one
        assertNotEquals(lost, made.id());
        assertEquals(VolumeState.AVAILABLE, made.state());
        assertEquals(Optional.of(new TokenEntry(made.id(), ClientTokens.fingerprint(request))),
                fixture.metadata.store().token(key));
        assertEquals(made, fixture.service.createVolume(JANE, request));
        assertEquals(List.of(made.id()), fixture.service.describeVolumes(JANE, DescribeRequest.all()).items().stream()
                .map(Volume::id).toList());
        assertEquals(1, fixture.driver.files().size());
    }

    @Test
    void shouldReturnTheVolumeATokenNamesWhenItArrivesWithinTheGrace() throws Exception {
        // given a volume made with a token, whose record is not there yet (its branch commits late)
        CreateVolumeRequest request = withToken(2, "token-1", Map.of());
        Volume first = fixture.service.createVolume(JANE, request);
        VolumeRecord record = (VolumeRecord) fixture.metadata.cache().remove(first.id());

        // when the client retries meanwhile, and the record arrives while the retry waits
        ExecutorService retrying = Executors.newSingleThreadExecutor();
        try {
            Future<Volume> retry = retrying.submit(() -> fixture.service.createVolume(JANE, request));
            Thread.sleep(VolumeWorkflow.DANGLING_TOKEN_GRACE.toMillis() / 4);
            fixture.metadata.cache().put(first.id(), record);

            // then the retry gets that volume, and no second one is made
            assertEquals(first, retry.get(1, TimeUnit.MINUTES));
        } finally {
            retrying.shutdownNow();
        }
        assertEquals(List.of(first.id()), fixture.service.describeVolumes(JANE, DescribeRequest.all()).items().stream()
                .map(Volume::id).toList());
        assertEquals(1, fixture.driver.files().size());
    }

    @Test
    void shouldUndoTheClaimWhenTheDriverFailsAndMapItsCodeWithoutItsText() {
        fixture.driver.fail(Operation.CREATE_VOLUME, DriverException.Code.INSUFFICIENT_CAPACITY);
        VbsException full = assertFault(ErrorCode.INSUFFICIENT_CAPACITY, () -> fixture.service.createVolume(JANE,
                withToken(4, "token-1", Map.of("a", "b"))), "no room");
        assertFalse(full.getMessage().contains("failed as the test asked"), full.getMessage());
        assertNothingLeft();

        fixture.driver.fail(Operation.CREATE_VOLUME, DriverException.Code.IO_ERROR);
        VbsException internal = assertFault(ErrorCode.INTERNAL_ERROR, () -> fixture.service.createVolume(JANE,
                size(4)), "request " + JANE.requestId());
        assertFalse(internal.getMessage().contains("IO_ERROR") || internal.getMessage().contains("vol-"),
                internal.getMessage());
        fixture.driver.fail(Operation.CREATE_VOLUME, DriverException.Code.UNSUPPORTED);
        assertFault(ErrorCode.UNSUPPORTED_OPERATION, () -> fixture.service.createVolume(JANE, size(4)));
        fixture.driver.fail(Operation.CREATE_VOLUME, DriverException.Code.CONFIGURATION);
        assertFault(ErrorCode.SERVICE_UNAVAILABLE, () -> fixture.service.createVolume(JANE, size(4)));
        fixture.driver.fail(Operation.CREATE_VOLUME, DriverException.Code.NOT_FOUND);
        assertFault(ErrorCode.INTERNAL_ERROR, () -> fixture.service.createVolume(JANE, size(4)));
        fixture.driver.fail(Operation.CREATE_VOLUME, DriverException.Code.ALREADY_EXISTS);
        assertFault(ErrorCode.INTERNAL_ERROR, () -> fixture.service.createVolume(JANE, size(4)));
        assertNothingLeft();

        // The token was freed with the claim: a retry once the driver works makes the volume.
        fixture.driver.heal();
        Volume volume = fixture.service.createVolume(JANE, withToken(4, "token-1", Map.of("a", "b")));
        assertEquals(VolumeState.AVAILABLE, volume.state());
    }

    @Test
    void shouldRefuseWithServiceUnavailableWhenNoDriverIsInstalled() {
        fixture.uninstallDriver();
        assertFault(ErrorCode.SERVICE_UNAVAILABLE, () -> fixture.service.createVolume(JANE, size(1)),
                "No volume server");
        assertNothingLeft();
    }

    @Test
    void shouldRefuseAVolumeLargerThanAnyServerCanHoldNamingTheLimitBeforeClaimingAnything() {
        fixture.driver.limitVolumesTo(100L << 30);

        assertFault(ErrorCode.INSUFFICIENT_CAPACITY, () -> fixture.service.createVolume(JANE, size(101)), "101 GiB",
                "100 GiB");
        assertNothingLeft();
        assertEquals(100, fixture.service.createVolume(JANE, size(100)).sizeGiB());
    }

    @Test
    void shouldClaimAnotherIdWhenTheFirstIsTaken() {
        Queue<String> ids = new ArrayDeque<>(List.of("vol-0000000000000000a", "vol-0000000000000000a",
                "vol-0000000000000000b"));
        fixture.close();
        IdGenerator random = IdGenerator.secureRandom();
        fixture = new ServiceFixture(dir, kind -> kind == ResourceKind.VOLUME ? ids.remove() : random.next(kind));

        Volume first = fixture.service.createVolume(JANE, size(1));
        Volume second = fixture.service.createVolume(BOB, size(1));

        assertEquals("vol-0000000000000000a", first.id());
        assertEquals("vol-0000000000000000b", second.id());
        assertEquals(JANE.caller().dn(), fixture.metadata.store().volume(first.id()).orElseThrow().owner());
    }

    @Test
    void shouldCommitEveryCreateOfOneOwnersParallelBurst() throws Exception {
        // One owner's creates all touch that owner's index entry: each must win eventually, none is lost.
        int callers = 8;
        ExecutorService pool = Executors.newFixedThreadPool(callers);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<Volume>> created = new ArrayList<>();
            for (int i = 0; i < callers; i++) {
                created.add(pool.submit(() -> {
                    start.await();
                    return fixture.service.createVolume(JANE, size(1));
                }));
            }
            start.countDown();
            Set<String> ids = new HashSet<>();
            for (Future<Volume> f : created) {
                ids.add(f.get(60, TimeUnit.SECONDS).id());
            }
            assertEquals(callers, ids.size());
            Set<String> described = new HashSet<>();
            fixture.service.describeVolumes(JANE, DescribeRequest.all()).items().forEach(v -> described.add(v.id()));
            assertEquals(ids, described);
        } finally {
            pool.shutdownNow();
        }
    }
}
