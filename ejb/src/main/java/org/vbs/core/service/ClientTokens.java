package org.vbs.core.service;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;
import org.vbs.core.api.CreateVolumeRequest;

/**
 * The fingerprint of a CreateVolume's parameters, kept with its client token: a retry with the same
 * token must carry the same size, snapshot and tags (tag order does not matter).
 */
final class ClientTokens {
    private ClientTokens() {
    }

    /** SHA-256 over an unambiguous encoding (every field length-prefixed), as lowercase hex. */
    static String fingerprint(CreateVolumeRequest request) {
        StringBuilder canonical = new StringBuilder();
        field(canonical, request.sizeGiB().map(String::valueOf).orElse(""));
        field(canonical, request.snapshotId().orElse(""));
        Map<String, String> sorted = new TreeMap<>(request.tags());
        field(canonical, String.valueOf(sorted.size()));
        sorted.forEach((key, value) -> {
            field(canonical, key);
            field(canonical, value);
        });
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256")
                    .digest(canonical.toString().getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    }

    private static void field(StringBuilder out, String value) {
        out.append(value.length()).append(':').append(value).append(';');
    }
}
