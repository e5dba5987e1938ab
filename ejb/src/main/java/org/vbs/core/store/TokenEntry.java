package org.vbs.core.store;

import java.io.Serializable;
import java.util.Objects;

/**
 * Value of the client-token cache: the volume a CreateVolume with this token made, and a
 * fingerprint of that call's parameters (a retry must carry the same ones).
 */
public record TokenEntry(String volumeId, String fingerprint) implements Serializable {
    public TokenEntry {
        Objects.requireNonNull(volumeId, "volumeId");
        Objects.requireNonNull(fingerprint, "fingerprint");
    }
}
