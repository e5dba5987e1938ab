package org.vbs.core.domain;

import java.util.Collection;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.vbs.core.api.ErrorCode;
import org.vbs.core.api.VbsException;

/**
 * The kinds of resource, with their id syntax ({@code vol-}/{@code snap-}/{@code op-} + 17 lowercase
 * hex digits) and their fault codes.
 */
public enum ResourceKind {
    VOLUME("vol-", "volume", ErrorCode.INVALID_VOLUME_ID_MALFORMED, ErrorCode.INVALID_VOLUME_NOT_FOUND),
    SNAPSHOT("snap-", "snapshot", ErrorCode.INVALID_SNAPSHOT_ID_MALFORMED, ErrorCode.INVALID_SNAPSHOT_NOT_FOUND),
    /** A journalled operation: internal, its ids never come from or go to a caller. */
    OPERATION("op-", "operation", ErrorCode.INTERNAL_ERROR, ErrorCode.INTERNAL_ERROR);

    /** How many hex digits follow the prefix. */
    public static final int HEX_DIGITS = 17;

    private final String prefix;
    private final String noun;
    private final ErrorCode malformed;
    private final ErrorCode notFound;
    private final Pattern syntax;

    ResourceKind(String prefix, String noun, ErrorCode malformed, ErrorCode notFound) {
        this.prefix = prefix;
        this.noun = noun;
        this.malformed = malformed;
        this.notFound = notFound;
        this.syntax = Pattern.compile(Pattern.quote(prefix) + "[0-9a-f]{" + HEX_DIGITS + "}");
    }

    public String prefix() {
        return prefix;
    }

    /** "volume" or "snapshot", for messages. */
    public String noun() {
        return noun;
    }

    public boolean isWellFormed(String id) {
        return id != null && syntax.matcher(id).matches();
    }

    /**
     * @return {@code id}
     * @throws VbsException InvalidVolumeID.Malformed / InvalidSnapshotID.Malformed with the value
     */
    public String requireWellFormed(String id) {
        if (!isWellFormed(id)) {
            throw new VbsException(malformed, "Invalid " + noun + " id " + UserText.quote(id) + ": expected '"
                    + prefix + "' followed by " + HEX_DIGITS + " lowercase hexadecimal digits.");
        }
        return id;
    }

    /** InvalidVolume.NotFound / InvalidSnapshot.NotFound naming the ids (all well-formed, so safe to show). */
    public VbsException notFound(Collection<String> ids) {
        String listed = ids.stream().map(id -> "'" + id + "'").collect(Collectors.joining(", "));
        return new VbsException(notFound, ids.size() == 1
                ? "The " + noun + " " + listed + " does not exist."
                : "The " + noun + "s " + listed + " do not exist.");
    }
}
